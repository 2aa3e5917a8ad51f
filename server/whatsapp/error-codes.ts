/**
 * @module server/whatsapp/error-codes — the provider error codes we can explain. Each has ONE plain reason, in the
 * catalogue (`inbox.delivery.errors.<code>`, views/i18n/es.ts and en.ts), shown for a synchronous send failure and
 * for a failed or undelivered status callback alike; we store the code and the provider's own text, never our words.
 *
 * Sources: Twilio's Error and Warning Dictionary, one page per code at https://www.twilio.com/docs/api/errors/<code>
 * (read for 21617, 21658, 63005, 63014, 63016, 63018, 63021, 63024, 63049); the Twilio↔WhatsApp code mapping at
 * https://www.twilio.com/docs/whatsapp/api/error-code-mapping (63016 = WhatsApp 470 outside the window, 63018 =
 * 429/471/1015 rate, 63024 = 1002/1026 invalid recipient, 63032 = 472 "user's number is part of an experiment",
 * 63003 = 1006/1013/1021, 63013 = 1008/1009 policy, 63027/63028 templates); Twilio's "WhatsApp Marketing
 * Experiments" article (https://support.twilio.com/hc/en-us/articles/17388935157915: experiments fail with 63032);
 * and Meta's Cloud API "Experiments" page, whose status webhook reports the same case as 130472 — kept so a second
 * provider's codes need no new words. The 2xxxx codes are Twilio's REST API answers to the send request itself.
 */

export interface KnownCode {
  /** Overrides the HTTP-status rule for codes Twilio answers with a 4xx that pass with time (rate limits). */
  permanent?: boolean;
}

/** Every code with a plain reason in the catalogue; a test holds the catalogues to exactly this list. */
export const KNOWN_ERROR_CODES: Readonly<Record<number, KnownCode>> = {
  20003: {}, // credentials refused
  20429: { permanent: false }, // too many requests to Twilio's API
  21211: {}, // invalid 'To' phone number
  21408: {}, // sending to this region is not enabled on the account
  21606: {}, // 'From' is not a sender of this account
  21610: {}, // the recipient unsubscribed (STOP)
  21614: {}, // 'To' is not a mobile number
  21617: {}, // body over 1,600 characters
  21656: {}, // ContentVariables not valid
  63003: {}, // WhatsApp could not find the recipient
  63005: {}, // the channel did not accept the content
  63007: {}, // no WhatsApp channel for the 'From' address
  63013: {}, // breaks WhatsApp's policy
  63014: {}, // blocked by the recipient
  63015: {}, // sandbox: recipient has not joined
  63016: {}, // outside the 24-hour customer service window
  63018: { permanent: false }, // WhatsApp or account rate limit
  63021: {}, // content rejected by the channel
  63024: {}, // invalid recipient (not on WhatsApp, terms not accepted, outdated app)
  63027: {}, // template missing in that language
  63028: {}, // template variables do not match
  63032: {}, // a WhatsApp limitation on this user (e.g. Meta's marketing experiment)
  63049: {}, // Meta chose not to deliver a marketing template
  130472: {}, // Meta Cloud API: user in the marketing experiment
};

/** Whether `code` has a plain reason of its own. */
export function isKnownErrorCode(code: number | undefined): code is number {
  return code !== undefined && Object.hasOwn(KNOWN_ERROR_CODES, code);
}
