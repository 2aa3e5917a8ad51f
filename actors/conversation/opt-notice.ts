/**
 * @module actors/conversation/opt-notice — the one short message that confirms an opt-out (STOP, BAJA…) or an opt-in
 * (START, ALTA), in her language.
 *
 * WhatsApp's Business Policy asks businesses to "provide clear instructions for how people can opt out … and honor these
 * requests" (https://www.whatsapp.com/legal/business-policy). The model for honouring them is Twilio's own keyword
 * handling, which it applies to SMS only ("Twilio support for opt-out keywords (SMS STOP filtering)",
 * https://help.twilio.com/hc/en-us/articles/223134027): on STOP it replies with one confirmation and sends nothing
 * more until the number opts back in with START, which is confirmed once too. On WhatsApp that is the
 * application's work, so: exactly one notice when her choice changes (a second STOP while opted out gets none), sent
 * while her message has just opened the 24-hour window, and it is the only message the outbox lets through to an
 * opted-out aspirant (server/jobs/outbox-claim, by the `notice` it carries in `extra`).
 */
import type { Locale } from '../vocabulary';

export type OptNotice = 'opted_out' | 'opted_in';

/** Said when the script has no text of its own (no script, or a version published before these keys). */
export const DEFAULT_OPT_NOTICES: Record<OptNotice, Record<Locale, string>> = {
  opted_out: {
    es: 'Listo, no te enviaremos más mensajes. Si cambias de opinión, escribe ALTA.',
    en: "Done, we won't message you again. If you change your mind, reply START.",
  },
  opted_in: {
    es: '¡Listo! Volverás a recibir nuestros mensajes. Para dejar de recibirlos, escribe BAJA.',
    en: "Done! You'll get our messages again. To stop them, reply STOP.",
  },
};

/** Which notice her message calls for: only a change of her choice is confirmed. */
export function optNoticeFor(wasOptedOut: boolean, stopWord: boolean, startWord: boolean): OptNotice | null {
  if (stopWord && !wasOptedOut) return 'opted_out';
  if (startWord && wasOptedOut) return 'opted_in';
  return null;
}
