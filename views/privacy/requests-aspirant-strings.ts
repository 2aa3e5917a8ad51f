/**
 * @module views/privacy/requests-aspirant-strings — what the aspirant reads about her data-subject requests, in her
 * language (aspirants.locale, Spanish first): the public page /privacy/request and the WhatsApp messages that tell her
 * of an extension (Law 1581 Arts. 14–15: she is told the reason and the new date) and of the answer.
 */
import type { DataSubjectRight } from '../../actors/vocabulary';

export interface RequestAspirantStrings {
  title: string;
  /** The link from the form and the privacy notice to /privacy/request. */
  link: string;
  switchLabel: string;
  intro: string;
  /** Without a signed link: how to ask on WhatsApp. */
  whatsapp: string;
  whatsappButton: string;
  whatsappUnknown: string;
  keywords: string;
  /** With her form link: the form. */
  right: string;
  rights: Record<DataSubjectRight, string>;
  words: string;
  wordsHint: string;
  submit: string;
  expired: string;
  opened: (dueOn: string) => string;
  already: (dueOn: string) => string;
  errors: { right: string; words: string };
  /** WhatsApp messages. */
  extended: (reason: string, dueOn: string) => string;
  resolved: { done: (answer: string) => string; rejected: (answer: string) => string };
}

const ES: RequestAspirantStrings = {
  title: 'Tus datos personales',
  link: 'Conocer, corregir o borrar tus datos',
  switchLabel: 'English',
  intro: 'Puedes pedirnos conocer tus datos, una prueba de tu autorización, actualizarlos o corregirlos, revocar la autorización o que los borremos (Ley 1581 de 2012).',
  whatsapp: 'Para saber que eres tú, pídelo desde tu WhatsApp: escríbenos "mis datos" o "borrar mis datos" al mismo número con el que hablaste con nosotros.',
  whatsappButton: 'Escribir por WhatsApp',
  whatsappUnknown: 'Escríbenos por WhatsApp al número con el que hablaste con nosotros.',
  keywords: 'mis datos',
  right: '¿Qué quieres pedir?',
  rights: {
    access: 'Conocer los datos que tenemos de mí',
    proof: 'Una prueba de mi autorización',
    rectification: 'Actualizar o corregir mis datos',
    revocation: 'Revocar mi autorización',
    erasure: 'Borrar mis datos',
  },
  words: 'Cuéntanos (opcional)',
  wordsHint: 'Por ejemplo, qué dato hay que corregir.',
  submit: 'Enviar solicitud',
  expired: 'Este enlace ya no es válido. Pídelo desde tu WhatsApp, como se explica abajo.',
  opened: (dueOn) => `Recibimos tu solicitud. Te responderemos a más tardar el ${dueOn}.`,
  already: (dueOn) => `Ya tenemos esa solicitud en curso. Te responderemos a más tardar el ${dueOn}.`,
  errors: { right: 'Elige qué quieres pedir.', words: 'El texto es demasiado largo (máximo 2000 caracteres).' },
  extended: (reason, dueOn) => `Sobre tu solicitud de datos personales: necesitamos más tiempo para responderte (${reason}). Te responderemos a más tardar el ${dueOn}.`,
  resolved: {
    done: (answer) => `Respuesta a tu solicitud de datos personales: ${answer}`,
    rejected: (answer) => `Respuesta a tu solicitud de datos personales: no pudimos atenderla. ${answer}`,
  },
};

const EN: RequestAspirantStrings = {
  title: 'Your personal data',
  link: 'Know, correct or delete your data',
  switchLabel: 'Español',
  intro: 'You can ask us to know your data, for proof of your consent, to update or correct it, to withdraw your consent or to delete it (Colombia’s Law 1581 of 2012).',
  whatsapp: 'So we know it is you, ask from your WhatsApp: write "mis datos" (my data) or "borrar mis datos" (delete my data) to the number you have been talking to.',
  whatsappButton: 'Write on WhatsApp',
  whatsappUnknown: 'Write to us on WhatsApp at the number you have been talking to.',
  keywords: 'mis datos',
  right: 'What do you want to ask?',
  rights: {
    access: 'To know the data you hold about me',
    proof: 'Proof of my consent',
    rectification: 'To update or correct my data',
    revocation: 'To withdraw my consent',
    erasure: 'To delete my data',
  },
  words: 'Tell us (optional)',
  wordsHint: 'For example, which detail needs correcting.',
  submit: 'Send request',
  expired: 'This link is no longer valid. Ask from your WhatsApp, as explained below.',
  opened: (dueOn) => `We received your request. We will answer by ${dueOn} at the latest.`,
  already: (dueOn) => `We already have that request in progress. We will answer by ${dueOn} at the latest.`,
  errors: { right: 'Choose what you want to ask.', words: 'The text is too long (2,000 characters at most).' },
  extended: (reason, dueOn) => `About your personal-data request: we need more time to answer (${reason}). We will answer by ${dueOn} at the latest.`,
  resolved: {
    done: (answer) => `Answer to your personal-data request: ${answer}`,
    rejected: (answer) => `Answer to your personal-data request: we could not carry it out. ${answer}`,
  },
};

/** Her words in `locale` (Spanish for anything unknown). */
export function requestAspirantStrings(locale: string | null | undefined): RequestAspirantStrings {
  return locale === 'en' ? EN : ES;
}

/** A Bogotá day `YYYY-MM-DD` as she reads it: "15 de diciembre de 2026" / "15 December 2026". */
export function aspirantDay(day: string, locale: string | null | undefined): string {
  const tag = locale === 'en' ? 'en-GB' : 'es-CO';
  return new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}
