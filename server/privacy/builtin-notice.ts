/**
 * @module server/privacy/builtin-notice — the privacy notice in force until an admin publishes one: version 1, a short
 * generic notice (Law 1581 Art. 12; Decree 1377 Arts. 13–15 list what a notice must say). Plain text with an
 * `{agencyName}` placeholder filled when shown, so its sha256 never changes with the agency's name: consents given on
 * it keep pointing to the same text. DO NOT edit these strings — a change is a new version, published by an admin.
 */
import type { Locale } from '../../actors/vocabulary';

/** The built-in version's number: what `currentNotice` answers while privacy_notices is empty. */
export const BUILTIN_NOTICE_VERSION = 1;

export const BUILTIN_NOTICE: Record<Locale, { title: string; body: string }> = {
  es: {
    title: 'Aviso de privacidad',
    body: [
      '{agencyName} es responsable del tratamiento de los datos personales que nos das por WhatsApp y en el formulario de inscripción.',
      '# Qué datos recogemos',
      'Tu número y nombre de WhatsApp, los mensajes que nos envías, y lo que escribes en el formulario: nombre, apellidos, correo, ciudad, fecha de nacimiento, tipos de modelaje, horarios y notas.',
      'Tus fotos, tus medidas y si tienes hijos son datos sensibles: responder es opcional, y solo los tratamos con tu autorización expresa para cada uno, que puedes revocar cuando quieras.',
      'Si eres menor de 18 años, también los datos de tu acudiente (nombre, documento, parentesco y contacto), para pedirle su autorización, sin la cual no te pedimos fotos.',
      '# Para qué los usamos',
      'Solo para el proceso de reclutamiento: conocer tu perfil, contactarte y proponerte oportunidades que encajen contigo. No vendemos tus datos.',
      'Los guardamos mientras dure el proceso o hasta que nos pidas borrarlos.',
      '# Tus derechos (Ley 1581 de 2012)',
      'Puedes conocer, actualizar y rectificar tus datos, pedir prueba de tu autorización, saber cómo los usamos, revocar la autorización y pedir que los borremos.',
      'También puedes presentar quejas ante la Superintendencia de Industria y Comercio.',
      'Para ejercer tus derechos, escríbenos por WhatsApp al mismo número con el que has hablado con nosotros.',
    ].join('\n\n'),
  },
  en: {
    title: 'Privacy notice',
    body: [
      '{agencyName} is responsible for the personal data you give us on WhatsApp and in the sign-up form.',
      '# What we collect',
      'Your WhatsApp number and name, the messages you send us, and what you write in the form: first and last name, email, city, date of birth, modeling types, shifts and notes.',
      'Your photos, your measurements and whether you have children are sensitive data: answering is optional, and we process each only with your express authorisation, which you can withdraw at any time.',
      'If you are under 18, also your guardian’s details (name, ID document, relationship and contact), to ask for their authorisation, without which we ask you for no photos.',
      '# What we use it for',
      'Only for recruitment: getting to know your profile, contacting you and offering you opportunities that fit you. We do not sell your data.',
      'We keep it while your application is open or until you ask us to delete it.',
      '# Your rights (Colombia’s Law 1581 of 2012)',
      'You can know, update and correct your data, ask for proof of your consent, learn how we use it, withdraw your consent and ask us to delete it.',
      'You can also complain to the Superintendence of Industry and Commerce (SIC).',
      'To exercise your rights, write to us on WhatsApp at the same number you have been talking to.',
    ].join('\n\n'),
  },
};
