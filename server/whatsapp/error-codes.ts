/**
 * @module server/whatsapp/error-codes — the provider error codes we can explain. Each has ONE plain reason, in the
 * catalogue (`inbox.delivery.errors.<code>`, views/i18n/es.ts and en.ts), shown for a synchronous send failure and
 * for a failed or undelivered status callback alike; we store the code and the provider's own text, never our words.
 *
 * Two providers, one catalogue. A message row stores the code but not the provider that gave it, so the view looks a
 * code up without knowing whose it is. That works because the two code spaces do not meet: Twilio's dictionary
 * (https://www.twilio.com/docs/api/errors) has 400/403/404/410/503 and five-digit codes from 10001 on; Meta's codes
 * are 1–4 digits (1, 2, 4, 10, 100, 190, 368, 613), six digits (13xxxx), and 80007 — a five-digit code that is not in
 * Twilio's dictionary. A test holds TWILIO_ERROR_CODES and META_ERROR_CODES disjoint, so the union the view reads is
 * unambiguous; the classifiers use their own provider's table (`knownCode`), so a code's permanence is never taken
 * from the other provider's meaning.
 *
 * Twilio sources: the Error and Warning Dictionary, one page per code at https://www.twilio.com/docs/api/errors/<code>
 * (read for 21617, 21658, 63005, 63014, 63016, 63018, 63021, 63024, 63049); the Twilio↔WhatsApp code mapping at
 * https://www.twilio.com/docs/whatsapp/api/error-code-mapping (63016 = WhatsApp 470 outside the window, 63018 =
 * 429/471/1015 rate, 63024 = 1002/1026 invalid recipient, 63032 = 472 "user's number is part of an experiment",
 * 63003 = 1006/1013/1021, 63013 = 1008/1009 policy, 63027/63028 templates); Twilio's "WhatsApp Marketing
 * Experiments" article (https://support.twilio.com/hc/en-us/articles/17388935157915: experiments fail with 63032).
 * The 2xxxx codes are Twilio's REST API answers to the send request itself.
 *
 * Meta sources: "WhatsApp error codes" (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes)
 * for the codes, titles and HTTP statuses; its "Experiments" page (130472); "Throughput" and "Messaging limits" for
 * the rate limits (130429 per number, 131056 per business–user pair, 80007 per WhatsApp Business Account; 4 and 613
 * are Graph API call limits, https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
 */

export type ErrorCodeProvider = 'twilio' | 'meta';

export interface KnownCode {
  /**
   * Overrides the HTTP-status rule. `false`: passes with time (rate limits, Meta's own trouble) — retried later even
   * though Meta answers most of them with HTTP 400. `true`: final even when the HTTP status alone would retry.
   */
  permanent?: boolean;
}

/** Twilio's codes with a plain reason. */
export const TWILIO_ERROR_CODES: Readonly<Record<number, KnownCode>> = {
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
};

/**
 * Meta's Cloud API codes with a plain reason, each marked: `permanent: false` passes with time, `permanent: true` is
 * final whatever the HTTP status (Meta answers most codes with 400, some final ones with 401/403/500).
 */
export const META_ERROR_CODES: Readonly<Record<number, KnownCode>> = {
  1: { permanent: false }, // API Unknown: "invalid request or possible server error"
  2: { permanent: false }, // API Service: downtime or overload
  4: { permanent: false }, // API Too Many Calls: the app's Graph API call limit
  10: { permanent: true }, // permission denied: the app may not send for this number (admin)
  100: { permanent: true }, // invalid parameter
  190: { permanent: true }, // access token expired or revoked (admin): retrying with it cannot work
  368: { permanent: true }, // temporarily blocked for policy violations
  613: { permanent: false }, // calls to this API exceeded the rate limit
  80007: { permanent: false }, // the WhatsApp Business Account reached its rate limit
  130429: { permanent: false }, // throughput: the number's messages per second
  130472: { permanent: true }, // user in Meta's marketing experiment
  131000: { permanent: false }, // something went wrong (Meta's side)
  131016: { permanent: false }, // service unavailable or overloaded
  131026: { permanent: true }, // undeliverable: not on WhatsApp, terms not accepted, old app
  131031: { permanent: true }, // the business account is locked (admin)
  131042: { permanent: true }, // payment method problem (admin)
  131047: { permanent: true }, // re-engagement: outside the 24-hour customer service window
  131048: { permanent: false }, // spam rate limit: the number's sends are restricted for a while
  131049: { permanent: true }, // Meta chose not to deliver it (healthy ecosystem; marketing per-user limit)
  131050: { permanent: true }, // the user stopped marketing messages from this business
  131051: { permanent: true }, // unsupported message type
  131052: { permanent: true }, // Meta could not download the media from our link
  131053: { permanent: true }, // Meta could not process the media (type or size)
  131056: { permanent: false }, // pair rate limit: too many messages to the same user in a short time
  132000: { permanent: true }, // template: number of parameters does not match
  132001: { permanent: true }, // template does not exist in that language (or is not approved)
  132005: { permanent: true }, // template: hydrated text too long
  132007: { permanent: true }, // template: format character policy violated
  132012: { permanent: true }, // template: parameter format mismatch
  132015: { permanent: true }, // template paused for low quality
  132016: { permanent: true }, // template disabled for low quality
  133010: { permanent: true }, // our phone number is not registered on the Cloud API (admin)
};

/** Every code with a plain reason in the catalogue (both providers; disjoint); a test holds the catalogues to exactly this list. */
export const KNOWN_ERROR_CODES: Readonly<Record<number, KnownCode>> = { ...TWILIO_ERROR_CODES, ...META_ERROR_CODES };

const BY_PROVIDER: Record<ErrorCodeProvider, Readonly<Record<number, KnownCode>>> = { twilio: TWILIO_ERROR_CODES, meta: META_ERROR_CODES };

/** What `provider` means by `code`, or undefined when we have no reason of our own for it. */
export function knownCode(provider: ErrorCodeProvider, code: number | undefined): KnownCode | undefined {
  const table = BY_PROVIDER[provider];
  return code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;
}

/** Whether `code` has a plain reason of its own (whichever provider gave it). */
export function isKnownErrorCode(code: number | undefined): code is number {
  return code !== undefined && Object.hasOwn(KNOWN_ERROR_CODES, code);
}
