/**
 * @module views/form/minor-strings — the aspirant- and guardian-facing words of the minors' flow (Law 1581 Art. 7;
 * Decree 1377 Art. 12, now DUR 1074/2015 Art. 2.2.2.25.2.9): the date of birth and guardian fields on the form, the
 * WhatsApp message with the guardian's link, and the guardian's authorisation page. Spanish (Colombia) and English.
 */
import type { GuardianRelationship, IdDocumentType, Locale } from '../../actors/vocabulary';

export interface MinorStrings {
  birthDate: { label: string; hint: string };
  guardian: {
    legend: string;
    intro: string;
    /** Shown when the block is rendered without knowing her age (no JavaScript yet, or no date typed). */
    onlyIfMinor: string;
    name: string;
    documentType: string;
    documentTypes: Record<IdDocumentType, string>;
    documentNumber: string;
    relationship: string;
    relationships: Record<GuardianRelationship, string>;
    phone: string;
    phoneHint: string;
    email: string;
    contactHint: string;
    choose: string;
  };
  errors: {
    birthDate: string;
    birthDateInvalid: string;
    birthDateFuture: string;
    tooYoung: (min: number) => string;
    tooOld: string;
    guardianName: string;
    documentType: string;
    documentNumber: string;
    documentNumberInvalid: string;
    relationship: string;
    contact: string;
    phone: string;
    /** The guardian's number is her own: the guardian must authorise from her own phone. */
    ownNumber: string;
    email: string;
  };
  /** The WhatsApp message that carries the guardian's link. */
  message: (minorName: string, agency: string, link: string) => string;
  page: {
    title: string;
    heading: (minorName: string, agency: string) => string;
    intro: string;
    hearHer: string;
    notice: string;
    documentLabel: string;
    documentHint: string;
    authorise: string;
    decline: string;
    authorisedTitle: string;
    authorisedBody: (when: string) => string;
    declinedTitle: string;
    declinedBody: (when: string) => string;
    mismatch: string;
    invalid: string;
    expired: string;
    action: string;
  };
}

const es: MinorStrings = {
  birthDate: { label: 'Fecha de nacimiento', hint: 'Si eres menor de 18 años, tu madre, padre o representante legal debe autorizar el tratamiento de tus datos.' },
  guardian: {
    legend: 'Tu acudiente (madre, padre o representante legal)',
    intro: 'Como eres menor de 18 años, le enviaremos un enlace para que autorice el tratamiento de tus datos. Hasta que lo haga no te pediremos fotos. Cuéntale antes y escucha lo que opina.',
    onlyIfMinor: 'Llena esta sección solo si eres menor de 18 años.',
    name: 'Nombre completo del acudiente',
    documentType: 'Tipo de documento',
    documentTypes: { CC: 'Cédula de ciudadanía', CE: 'Cédula de extranjería', PA: 'Pasaporte', PPT: 'Permiso por Protección Temporal (PPT)' },
    documentNumber: 'Número de documento',
    relationship: 'Parentesco',
    relationships: { mother: 'Madre', father: 'Padre', legal_guardian: 'Representante legal', other: 'Otro' },
    phone: 'WhatsApp del acudiente',
    phoneHint: 'Por ejemplo 300 123 4567; con el indicativo si no es de Colombia (+1 …).',
    email: 'Correo del acudiente',
    contactHint: 'Escribe su WhatsApp, su correo o ambos.',
    choose: 'Elige…',
  },
  errors: {
    birthDate: 'Escribe tu fecha de nacimiento.',
    birthDateInvalid: 'Escribe una fecha válida: día, mes y año.',
    birthDateFuture: 'La fecha de nacimiento no puede ser posterior a hoy.',
    tooYoung: (min) => `Para inscribirte debes tener al menos ${min} años. Pide a tu madre, padre o representante legal que nos escriba.`,
    tooOld: 'Revisa el año de tu fecha de nacimiento.',
    guardianName: 'Escribe el nombre completo de tu acudiente.',
    documentType: 'Elige el tipo de documento de tu acudiente.',
    documentNumber: 'Escribe el número de documento de tu acudiente.',
    documentNumberInvalid: 'Escribe el número tal como aparece en el documento (solo números; letras y números si es pasaporte).',
    relationship: 'Elige el parentesco.',
    contact: 'Escribe el WhatsApp o el correo de tu acudiente.',
    phone: 'Escribe un número de celular válido, por ejemplo 300 123 4567.',
    ownNumber: 'Ese es tu propio número: escribe el WhatsApp de tu acudiente (o su correo).',
    email: 'Escribe un correo válido, como nombre@ejemplo.com.',
  },
  message: (minorName, agency, link) =>
    `Hola. ${minorName} escribió a ${agency} para inscribirse en su proceso de reclutamiento y nos dio este contacto como el de su madre, padre o representante legal. Como es menor de edad, la Ley 1581 de 2012 exige su autorización para tratar sus datos. Léala y decida aquí: ${link}`,
  page: {
    title: 'Autorización del acudiente',
    heading: (minorName, agency) => `${minorName} quiere inscribirse en ${agency}`,
    intro:
      'Como es menor de edad, la ley colombiana (Ley 1581 de 2012, art. 7, y Decreto 1074 de 2015, art. 2.2.2.25.2.9) exige que su madre, padre o representante legal autorice el tratamiento de sus datos personales, incluidas sus fotos, velando por su interés superior.',
    hearHer: 'Antes de decidir, escuche su opinión. Puede revocar la autorización cuando quiera.',
    notice: 'Aviso de privacidad',
    documentLabel: 'Su número de documento',
    documentHint: 'Escríbalo de nuevo para confirmar que es usted.',
    authorise: 'Autorizo el tratamiento de sus datos',
    decline: 'No autorizo',
    authorisedTitle: 'Autorización registrada',
    authorisedBody: (when) => `Registramos su autorización el ${when}. Gracias. Puede revocarla cuando quiera escribiéndonos por WhatsApp.`,
    declinedTitle: 'Decisión registrada',
    declinedBody: (when) => `Registramos el ${when} que usted no autoriza el tratamiento de sus datos. El equipo de reclutamiento no continuará el proceso sin su autorización.`,
    mismatch: 'El número de documento no coincide con el que se escribió en el formulario.',
    invalid: 'No pudimos abrir este enlace.',
    expired: 'Este enlace ya venció.',
    action: 'Pida a quien se inscribió que nos escriba por WhatsApp para enviarle un enlace nuevo.',
  },
};

const en: MinorStrings = {
  birthDate: { label: 'Date of birth', hint: 'If you are under 18, your mother, father or legal guardian must authorise the processing of your data.' },
  guardian: {
    legend: 'Your guardian (mother, father or legal guardian)',
    intro: 'As you are under 18, we will send them a link to authorise the processing of your data. Until they do, we will not ask you for photos. Tell them first and listen to what they think.',
    onlyIfMinor: 'Fill in this section only if you are under 18.',
    name: 'Guardian’s full name',
    documentType: 'ID document type',
    documentTypes: { CC: 'Colombian citizen ID (CC)', CE: 'Foreigner ID (CE)', PA: 'Passport', PPT: 'Temporary Protection Permit (PPT)' },
    documentNumber: 'ID document number',
    relationship: 'Relationship',
    relationships: { mother: 'Mother', father: 'Father', legal_guardian: 'Legal guardian', other: 'Other' },
    phone: 'Guardian’s WhatsApp number',
    phoneHint: 'For example 300 123 4567; with the country code if not Colombian (+1 …).',
    email: 'Guardian’s email',
    contactHint: 'Give their WhatsApp, their email or both.',
    choose: 'Choose…',
  },
  errors: {
    birthDate: 'Enter your date of birth.',
    birthDateInvalid: 'Enter a real date: day, month and year.',
    birthDateFuture: 'Your date of birth cannot be after today.',
    tooYoung: (min) => `You must be at least ${min} to sign up. Ask your mother, father or legal guardian to write to us.`,
    tooOld: 'Check the year of your date of birth.',
    guardianName: 'Enter your guardian’s full name.',
    documentType: 'Choose your guardian’s ID document type.',
    documentNumber: 'Enter your guardian’s ID document number.',
    documentNumberInvalid: 'Enter the number as it appears on the document (digits only; letters and digits for a passport).',
    relationship: 'Choose the relationship.',
    contact: 'Enter your guardian’s WhatsApp number or email.',
    phone: 'Enter a valid mobile number, for example 300 123 4567.',
    ownNumber: 'That is your own number: enter your guardian’s WhatsApp number (or email).',
    email: 'Enter a valid email, like name@example.com.',
  },
  message: (minorName, agency, link) =>
    `Hello. ${minorName} wrote to ${agency} to sign up for its recruiting process and gave us this contact as their mother, father or legal guardian. As they are a minor, Colombia’s Law 1581 of 2012 requires your authorisation to process their data. Read it and decide here: ${link}`,
  page: {
    title: 'Guardian’s authorisation',
    heading: (minorName, agency) => `${minorName} wants to sign up with ${agency}`,
    intro:
      'As they are a minor, Colombian law (Law 1581 of 2012, Art. 7, and Decree 1074 of 2015, Art. 2.2.2.25.2.9) requires their mother, father or legal guardian to authorise the processing of their personal data, photos included, in their best interest.',
    hearHer: 'Before deciding, listen to their opinion. You can revoke the authorisation at any time.',
    notice: 'Privacy notice',
    documentLabel: 'Your ID document number',
    documentHint: 'Type it again to confirm it is you.',
    authorise: 'I authorise the processing of their data',
    decline: 'I do not authorise',
    authorisedTitle: 'Authorisation recorded',
    authorisedBody: (when) => `We recorded your authorisation on ${when}. Thank you. You can revoke it at any time by writing to us on WhatsApp.`,
    declinedTitle: 'Decision recorded',
    declinedBody: (when) => `We recorded on ${when} that you do not authorise the processing of their data. The recruiting team will not continue without your authorisation.`,
    mismatch: 'The ID document number does not match the one given in the form.',
    invalid: 'We could not open this link.',
    expired: 'This link has expired.',
    action: 'Ask the person who signed up to write to us on WhatsApp so we can send you a new link.',
  },
};

const STRINGS: Record<Locale, MinorStrings> = { es, en };

/** The minors' flow words in `locale`. */
export function minorStrings(locale: Locale): MinorStrings {
  return STRINGS[locale];
}
