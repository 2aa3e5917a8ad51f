/** @module actors/conversation/body-limit — how long a message we send may be, counted as WhatsApp's provider counts it. */

/**
 * Twilio refuses an outgoing `Body` over 1,600 characters with error 21617, on every channel, WhatsApp included:
 * https://www.twilio.com/docs/api/errors/21617 ("The `Body` parameter for an outgoing message can be up to 1,600
 * characters") and https://support.twilio.com/hc/en-us/articles/360033806753 ("This limit applies to all
 * Programmable Messaging channels, including SMS, MMS, WhatsApp…; outgoing message requests that exceed 1600
 * characters will fail with Error 21617").
 */
export const MAX_BODY_CHARS = 1600;

/**
 * The length of `text` in characters as the limit counts them: Unicode code points (`[...text].length`), so an
 * emoji outside the Basic Multilingual Plane is one, not the two UTF-16 units `text.length` (and a textarea's
 * `maxlength`) would count.
 *
 * Code points and not grapheme clusters, because Twilio does not count what a reader sees as one symbol: its emoji
 * article (https://support.twilio.com/hc/en-us/articles/223134227) says a modifier such as a skin tone doubles an
 * emoji's size, and its 21617 page says emoji "will be counted as multiple characters". A family emoji (four people
 * joined by three zero-width joiners) is seven code points; counting it as one grapheme would let through a text
 * Twilio counts as far longer. Twilio does not define its "character" more precisely than that: if it counts UTF-16
 * units, a body of many astral-plane emoji can still be refused with 21617, which then fails the message visibly with
 * its plain reason (the catalogue's `inbox.delivery.errors.21617`), never silently.
 */
export function charCount(text: string): number {
  let count = 0;
  // A for…of walks code points without building the array `[...text]` would.
  for (const _ of text) count++;
  return count;
}

/** Whether `text` fits in one message we send. */
export function fitsInOneMessage(text: string): boolean {
  return charCount(text) <= MAX_BODY_CHARS;
}
