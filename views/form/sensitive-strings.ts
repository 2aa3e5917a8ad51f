/**
 * @module views/form/sensitive-strings — the aspirant-facing words of the form's optional sensitive block (Law 1581
 * Art. 6: answering questions about sensitive data is optional, and she is told which data are sensitive and why they
 * are asked; Decree 1377 Art. 6, now DUR 1074/2015 Art. 2.2.2.25.2.3). Spanish (Colombia) and English.
 */
import type { Locale } from '../../actors/vocabulary';
import type { MeasurementField, SensitiveScope } from './sensitive-types';

export interface SensitiveStrings {
  legend: string;
  /** Why these are asked, that they are optional, and that saying no changes nothing else. */
  intro: string;
  /** Each scope: its heading, why it is asked, and the statement of its checkbox. */
  scopes: Record<SensitiveScope, { heading: string; why: string; consent: string }>;
  hasKids: string;
  preferNotToSay: string;
  measurements: Record<MeasurementField, string>;
  measurementsHint: string;
  errors: {
    /** An answer given without its box ticked: the submission is refused with this on the box. */
    children: string;
    measurements: string;
    /** A measurement that is not whole centimetres between `min` and `max`. */
    measurement: (min: number, max: number) => string;
  };
}

const es: SensitiveStrings = {
  legend: 'Datos sensibles (opcional)',
  intro:
    'La ley los considera datos sensibles, así que no tienes que darlos: puedes dejar esta sección vacía y tu inscripción sigue igual. Si los das, solo los verán las personas del equipo que los necesitan, y puedes retirar cada autorización cuando quieras.',
  scopes: {
    photos: {
      heading: 'Fotos',
      why: 'En WhatsApp te pediremos fotos tuyas para que el equipo vea tu perfil. Una foto de tu cara o tu cuerpo es un dato sensible.',
      consent: 'Autorizo el tratamiento de las fotos y videos en los que aparezco, para el proceso de reclutamiento.',
    },
    children: {
      heading: 'Hijos',
      why: 'Algunos trabajos exigen viajes u horarios largos; saber si tienes hijos ayuda a proponerte los que te sirven.',
      consent: 'Autorizo el tratamiento de mi respuesta sobre si tengo hijos.',
    },
    measurements: {
      heading: 'Medidas',
      why: 'Los clientes piden modelos según sus medidas; con ellas te proponemos trabajos a tu medida.',
      consent: 'Autorizo el tratamiento de mis medidas.',
    },
  },
  hasKids: '¿Tienes hijos?',
  preferNotToSay: 'Prefiero no responder',
  measurements: { heightCm: 'Estatura (cm)', bustCm: 'Busto (cm)', waistCm: 'Cintura (cm)', hipsCm: 'Cadera (cm)' },
  measurementsHint: 'En centímetros enteros, por ejemplo 172. Deja vacías las que no quieras dar.',
  errors: {
    children: 'Para guardar tu respuesta sobre hijos marca esta autorización, o elige «Prefiero no responder».',
    measurements: 'Para guardar tus medidas marca esta autorización, o deja las medidas vacías.',
    measurement: (min, max) => `Escribe centímetros enteros entre ${min} y ${max}, o déjalo vacío.`,
  },
};

const en: SensitiveStrings = {
  legend: 'Sensitive data (optional)',
  intro:
    'The law treats these as sensitive data, so you do not have to give them: you can leave this section empty and your application stays the same. If you give them, only the team members who need them will see them, and you can withdraw each authorisation at any time.',
  scopes: {
    photos: {
      heading: 'Photos',
      why: 'On WhatsApp we will ask you for photos so the team can see your profile. A photo of your face or body is sensitive data.',
      consent: 'I authorise the processing of the photos and videos that show me, for recruitment.',
    },
    children: {
      heading: 'Children',
      why: 'Some jobs involve travel or long hours; knowing whether you have children helps us offer you the ones that suit you.',
      consent: 'I authorise the processing of my answer about whether I have children.',
    },
    measurements: {
      heading: 'Measurements',
      why: 'Clients ask for models by their measurements; with yours we can offer you jobs that fit.',
      consent: 'I authorise the processing of my measurements.',
    },
  },
  hasKids: 'Do you have children?',
  preferNotToSay: 'I prefer not to say',
  measurements: { heightCm: 'Height (cm)', bustCm: 'Bust (cm)', waistCm: 'Waist (cm)', hipsCm: 'Hips (cm)' },
  measurementsHint: 'In whole centimetres, for example 172. Leave empty any you do not want to give.',
  errors: {
    children: 'To keep your answer about children, tick this authorisation, or choose “I prefer not to say”.',
    measurements: 'To keep your measurements, tick this authorisation, or leave the measurements empty.',
    measurement: (min, max) => `Enter whole centimetres between ${min} and ${max}, or leave it empty.`,
  },
};

const STRINGS: Record<Locale, SensitiveStrings> = { es, en };

/** The sensitive block's words in `locale`. */
export function sensitiveStrings(locale: Locale): SensitiveStrings {
  return STRINGS[locale];
}
