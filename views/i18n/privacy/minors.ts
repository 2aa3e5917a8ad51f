/**
 * @module views/i18n/privacy/minors — the words of minors: date of birth, the guardian's details and authorisation link, photos held back until then, Spanish (Colombia) first and English. `minorsEs` is
 * mounted at `privacy.minors` in ../es (`minorsEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const minorsEs = {
  section: {
    title: 'Menor de edad',
    age: '{{age}} años (nació el {{birthDate}})',
    guardian: 'Acudiente',
    document: 'Documento',
    relationship: 'Parentesco',
    contact: 'Contacto',
    noGuardian: 'Es menor de edad y no dio los datos de su acudiente: pídeselos antes de seguir.',
    pending: 'Esperando la autorización del acudiente.',
    authorised: 'El acudiente autorizó el {{at}}.',
    declined: 'El acudiente no autorizó ({{at}}).',
    linkSent: 'Enlace enviado por WhatsApp el {{at}}.',
    linkNotSent: 'El enlace no se ha enviado por WhatsApp.',
    emailOnly: 'Solo dio un correo ({{email}}): la aplicación no envía correos, así que envíale tú el enlace.',
    copy: 'Enlace para el acudiente (cópialo y envíalo tú si hace falta)',
    resend: 'Enviar el enlace otra vez',
    resent: 'Enlace enviado por WhatsApp.',
    resendFailed: 'No se pudo enviar por WhatsApp: {{reason}}. Copia el enlace y envíaselo tú.',
    photosHeld: 'Sus fotos y videos quedan retenidos hasta que el acudiente autorice.',
  },
  relationships: { mother: 'Madre', father: 'Padre', legal_guardian: 'Representante legal', other: 'Otro' } as Record<string, string>,
  held: {
    image: 'Foto retenida: falta la autorización del acudiente',
    video: 'Video retenido: falta la autorización del acudiente',
  },
  mediaHeld: {
    title: 'Archivo retenido',
    body: 'Es de una menor de edad cuyo acudiente aún no ha autorizado el tratamiento de sus datos (Ley 1581 de 2012, art. 7). Se podrá ver cuando lo autorice.',
    back: 'Volver a la bandeja',
  },
  auditActions: { 'guardian.link_sent': 'Reenvió el enlace de autorización al acudiente' } as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const minorsEn: typeof minorsEs = {
  section: {
    title: 'Minor',
    age: '{{age}} years old (born {{birthDate}})',
    guardian: 'Guardian',
    document: 'ID document',
    relationship: 'Relationship',
    contact: 'Contact',
    noGuardian: 'She is a minor and gave no guardian details: ask for them before going on.',
    pending: 'Waiting for the guardian’s authorisation.',
    authorised: 'The guardian authorised on {{at}}.',
    declined: 'The guardian declined ({{at}}).',
    linkSent: 'Link sent on WhatsApp on {{at}}.',
    linkNotSent: 'The link has not been sent on WhatsApp.',
    emailOnly: 'Only an email was given ({{email}}): the app sends no email, so send the link yourself.',
    copy: 'Link for the guardian (copy it and send it yourself if needed)',
    resend: 'Send the link again',
    resent: 'Link sent on WhatsApp.',
    resendFailed: 'It could not be sent on WhatsApp: {{reason}}. Copy the link and send it yourself.',
    photosHeld: 'Her photos and videos are held until the guardian authorises.',
  },
  relationships: { mother: 'Mother', father: 'Father', legal_guardian: 'Legal guardian', other: 'Other' },
  held: {
    image: 'Photo held: the guardian’s authorisation is missing',
    video: 'Video held: the guardian’s authorisation is missing',
  },
  mediaHeld: {
    title: 'File held',
    body: 'It belongs to a minor whose guardian has not yet authorised the processing of her data (Colombia’s Law 1581 of 2012, Art. 7). It can be seen once they do.',
    back: 'Back to the inbox',
  },
  auditActions: { 'guardian.link_sent': 'Sent the authorisation link to the guardian again' },
  auditTargets: {},
};
