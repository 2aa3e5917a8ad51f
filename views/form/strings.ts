/** @module views/form/strings — the aspirant-facing words of the form, its errors and its pages, in Spanish and English (one key set). */
import type { DayPart, Locale, ModelingType, Shift } from '../../actors/vocabulary';

export interface ErrorStrings {
  required: { firstName: string; lastName: string; location: string; preferredModelingTypes: string; preferredShift: string };
  tooLong: (max: number) => string;
  letters: string;
  email: string;
  choice: string;
  shiftConflict: string;
  consent: string;
  locale: string;
}

export interface FormStrings {
  lang: Locale;
  otherLang: { code: Locale; label: string };
  title: (agency: string) => string;
  intro: string;
  requiredNote: string;
  optional: string;
  errorSummary: string;
  labels: {
    firstName: string;
    lastName: string;
    email: string;
    location: string;
    preferredModelingTypes: string;
    preferredShift: string;
    unavailableShifts: string;
    notes: string;
    consent: string;
  };
  hints: { email: string; location: string; preferredModelingTypes: string; unavailableShifts: string; notes: string; consent: string };
  privacyLink: string;
  yes: string;
  no: string;
  modelingTypes: Record<ModelingType, string>;
  shifts: Record<Shift, string>;
  dayParts: Record<DayPart, string>;
  submit: string;
  errors: ErrorStrings;
  /** `next.photo` is shown only to her who authorised photos (Law 1581 Art. 6): no photo is asked of anyone else. */
  thanks: { title: string; heading: (name: string) => string; next: { received: string; photo: string; recruiter: string }; noPromise: string; edit: string };
  linkProblem: { title: string; invalid: string; expired: string; action: string };
  tooMany: { title: string; body: (minutes: number) => string };
}

const es: FormStrings = {
  lang: 'es',
  otherLang: { code: 'en', label: 'English' },
  title: (agency) => `Tus datos para ${agency}`,
  intro: 'Completa este formulario para que el equipo de reclutamiento te conozca. Toma unos 3 minutos.',
  requiredNote: 'Los campos marcados con * son obligatorios.',
  optional: '(opcional)',
  errorSummary: 'Revisa estos datos',
  labels: {
    firstName: 'Nombre',
    lastName: 'Apellidos',
    email: 'Correo electrónico',
    location: 'Ciudad o región',
    preferredModelingTypes: 'Tipos de modelaje que prefieres',
    preferredShift: 'Horario preferido',
    unavailableShifts: 'Horarios en los que NO puedes',
    notes: 'Algo más que quieras contarnos',
    consent: 'Autorizo el tratamiento de mis datos personales para fines de reclutamiento.',
  },
  hints: {
    email: 'Solo lo usaremos para escribirte sobre tu proceso.',
    location: 'Por ejemplo: Medellín, Antioquia.',
    preferredModelingTypes: 'Puedes elegir varios.',
    unavailableShifts: 'Déjalo vacío si puedes en cualquier horario.',
    notes: 'Experiencia, disponibilidad… (máximo 1000 caracteres).',
    consent: 'Según la Ley 1581 de 2012. Puedes conocer, actualizar, rectificar o pedir que borremos tus datos cuando quieras.',
  },
  privacyLink: 'Lee la política de privacidad',
  yes: 'Sí',
  no: 'No',
  modelingTypes: { Runway: 'Pasarela', Commercial: 'Comercial', Fitness: 'Fitness', Parts: 'Partes (manos, pies…)', Promotional: 'Promocional', Other: 'Otro' },
  shifts: { morning: 'Mañana', afternoon: 'Tarde', evening: 'Noche', flexible: 'Flexible', any: 'Cualquiera' },
  dayParts: { morning: 'Mañana', afternoon: 'Tarde', evening: 'Noche' },
  submit: 'Enviar mis datos',
  errors: {
    required: {
      firstName: 'Escribe tu nombre.',
      lastName: 'Escribe tus apellidos.',
      location: 'Escribe tu ciudad o región.',
      preferredModelingTypes: 'Elige al menos un tipo de modelaje.',
      preferredShift: 'Elige tu horario preferido.',
    },
    tooLong: (max) => `Usa como máximo ${max} caracteres.`,
    letters: 'Escríbelo con letras.',
    email: 'Escribe un correo válido, como nombre@ejemplo.com, o déjalo vacío.',
    choice: 'Elige solo opciones de la lista.',
    shiftConflict: 'Tu horario preferido no puede estar entre los horarios en los que no puedes.',
    consent: 'Necesitamos tu autorización para tratar tus datos.',
    locale: 'Idioma no válido (es o en).',
  },
  thanks: {
    title: '¡Gracias!',
    heading: (name) => `¡Gracias, ${name}!`,
    next: { received: 'Recibimos tus datos.', photo: 'En WhatsApp te pediremos una foto reciente.', recruiter: 'Una persona del equipo de reclutamiento revisará tu perfil y te escribirá.' },
    noPromise: 'Enviar el formulario no garantiza un trabajo; te contaremos los siguientes pasos por WhatsApp.',
    edit: 'Si te equivocaste en algo, puedes volver a abrir el enlace y enviarlo de nuevo.',
  },
  linkProblem: {
    title: 'Este enlace no funciona',
    invalid: 'No pudimos abrir el formulario con este enlace.',
    expired: 'Este enlace ya venció.',
    action: 'Escríbenos por WhatsApp y pide un enlace nuevo.',
  },
  tooMany: { title: 'Demasiados intentos', body: (minutes) => `Espera unos ${minutes} minutos y vuelve a intentarlo.` },
};

const en: FormStrings = {
  lang: 'en',
  otherLang: { code: 'es', label: 'Español' },
  title: (agency) => `Your details for ${agency}`,
  intro: 'Fill in this form so the recruiting team can get to know you. It takes about 3 minutes.',
  requiredNote: 'Fields marked * are required.',
  optional: '(optional)',
  errorSummary: 'Please check these details',
  labels: {
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    location: 'City or region',
    preferredModelingTypes: 'Modeling types you prefer',
    preferredShift: 'Preferred shift',
    unavailableShifts: 'Shifts when you are NOT available',
    notes: 'Anything else you want to tell us',
    consent: 'I consent to the processing of my personal data for recruitment.',
  },
  hints: {
    email: 'We only use it to write to you about your application.',
    location: 'For example: Medellín, Antioquia.',
    preferredModelingTypes: 'You can choose several.',
    unavailableShifts: 'Leave empty if any shift works for you.',
    notes: 'Experience, availability… (up to 1000 characters).',
    consent: 'Under Colombia’s Law 1581 of 2012. You can ask to see, update, correct or delete your data at any time.',
  },
  privacyLink: 'Read the privacy policy',
  yes: 'Yes',
  no: 'No',
  modelingTypes: { Runway: 'Runway', Commercial: 'Commercial', Fitness: 'Fitness', Parts: 'Parts (hands, feet…)', Promotional: 'Promotional', Other: 'Other' },
  shifts: { morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening', flexible: 'Flexible', any: 'Any' },
  dayParts: { morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening' },
  submit: 'Send my details',
  errors: {
    required: {
      firstName: 'Enter your first name.',
      lastName: 'Enter your last name.',
      location: 'Enter your city or region.',
      preferredModelingTypes: 'Choose at least one modeling type.',
      preferredShift: 'Choose your preferred shift.',
    },
    tooLong: (max) => `Use ${max} characters or fewer.`,
    letters: 'Use letters.',
    email: 'Enter a valid email, like name@example.com, or leave it empty.',
    choice: 'Choose only options from the list.',
    shiftConflict: 'Your preferred shift cannot also be a shift when you are not available.',
    consent: 'We need your consent to process your data.',
    locale: 'Unknown language (es or en).',
  },
  thanks: {
    title: 'Thank you!',
    heading: (name) => `Thank you, ${name}!`,
    next: {
      received: 'We have received your details.',
      photo: 'On WhatsApp we will ask you for a recent photo.',
      recruiter: 'Someone from the recruiting team will review your profile and contact you.',
    },
    noPromise: 'Sending the form does not guarantee a job; we will tell you the next steps on WhatsApp.',
    edit: 'If you got something wrong, open the link again and send the form again.',
  },
  linkProblem: {
    title: 'This link does not work',
    invalid: 'We could not open the form with this link.',
    expired: 'This link has expired.',
    action: 'Write to us on WhatsApp and ask for a new link.',
  },
  tooMany: { title: 'Too many attempts', body: (minutes) => `Please wait about ${minutes} minutes and try again.` },
};

const STRINGS: Record<Locale, FormStrings> = { es, en };

/** The form's words in `locale`. */
export function strings(locale: Locale): FormStrings {
  return STRINGS[locale];
}
