/**
 * @module views/i18n/privacy/erasure — the words of exporting and erasing one person's data, Spanish (Colombia) first and English. `erasureEs` is
 * mounted at `privacy.erasure` in ../es (`erasureEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const erasureEs = {
  section: {
    title: 'Exportar o suprimir',
    hint: 'Entregarle sus datos o borrarlos para siempre (Ley 1581, Arts. 8 y 15).',
    link: 'Exportar o suprimir sus datos',
  },
  page: {
    title: 'Datos de la aspirante #{{id}}',
    intro: 'Lo que la agencia guarda de esta persona. Puedes entregárselo en un archivo (derecho de acceso) o suprimirlo (derecho de supresión).',
    who: 'Quién',
    name: 'Nombre',
    phone: 'Número',
    since: 'Desde',
    optedOut: 'Pidió no recibir mensajes (BAJA)',
    yes: 'Sí',
    no: 'No',
    held: 'Lo que se guarda',
  },
  /** One per server/privacy/erase RowCounts key. */
  counts: {
    conversations: 'Conversaciones',
    messages: 'Mensajes',
    media: 'Archivos (fotos, videos, audios, documentos)',
    notes: 'Notas del equipo',
    formSubmissions: 'Formularios enviados',
    consents: 'Registros de autorización',
    guardians: 'Acudientes',
    journalEvents: 'Eventos del historial',
  },
  export: {
    title: 'Exportar',
    hint: 'Un archivo ZIP con data.json (perfil, formularios, mensajes de todo tipo, notas, autorizaciones, solicitudes, auditoría) y todos sus archivos en media/. La descarga queda registrada como lectura de sus datos.',
    button: 'Descargar el archivo',
  },
  erase: {
    title: 'Suprimir para siempre',
    hint: 'Borra su perfil, sus mensajes, formularios, notas, autorizaciones, acudientes y archivos (carpeta local o S3), y su texto en la auditoría. Quedan sus solicitudes y las lecturas de sus datos sin su texto, una entrada de auditoría con números y conteos, y una huella cifrada de su número para recordar si pidió BAJA. No se puede deshacer.',
    confirm: 'Escribe su id ({{id}}) o su número para confirmar',
    button: 'Suprimir sus datos',
    mismatch: 'Lo escrito no es su id ni su número: no se borró nada.',
  },
  erased: {
    title: 'Aspirante #{{id}} suprimida',
    when: 'Suprimida el {{date}} por {{actor}}.',
    deleted: 'Se borró',
    pending: 'Quedan archivos por borrar del almacenamiento: se reintenta solo en cada supresión y cada día con la retención.',
    done: 'Listo: sus datos fueron suprimidos.',
  },
  auditActions: {
    'aspirant.erased': 'Suprimió los datos de una aspirante',
    'aspirant.exported': 'Exportó los datos de una aspirante',
  } as Record<string, string>,
  auditTargets: { aspirant: 'Aspirante' } as Record<string, string>,
};

export const erasureEn: typeof erasureEs = {
  section: {
    title: 'Export or erase',
    hint: 'Give her her data, or delete it for good (Law 1581, Arts. 8 and 15).',
    link: 'Export or erase her data',
  },
  page: {
    title: 'Data of aspirant #{{id}}',
    intro: 'What the agency holds about this person. You can give it to her as an archive (right of access) or erase it (right of erasure).',
    who: 'Who',
    name: 'Name',
    phone: 'Number',
    since: 'Since',
    optedOut: 'Asked not to be messaged (STOP)',
    yes: 'Yes',
    no: 'No',
    held: 'What is held',
  },
  counts: {
    conversations: 'Conversations',
    messages: 'Messages',
    media: 'Files (photos, videos, audio, documents)',
    notes: 'Team notes',
    formSubmissions: 'Forms sent',
    consents: 'Consent records',
    guardians: 'Guardians',
    journalEvents: 'History events',
  },
  export: {
    title: 'Export',
    hint: 'A ZIP archive with data.json (profile, forms, messages of every kind, notes, consents, requests, audit) and all her files under media/. The download is recorded as a read of her data.',
    button: 'Download the archive',
  },
  erase: {
    title: 'Erase for good',
    hint: 'Deletes her profile, messages, forms, notes, consents, guardians and files (local folder or S3), and her text in the audit trail. What stays: her requests and the reads of her data without their text, an audit entry with ids and counts, and a keyed hash of her number to remember whether she opted out. This cannot be undone.',
    confirm: 'Type her id ({{id}}) or her number to confirm',
    button: 'Erase her data',
    mismatch: 'What you typed is not her id or number: nothing was erased.',
  },
  erased: {
    title: 'Aspirant #{{id}} erased',
    when: 'Erased on {{date}} by {{actor}}.',
    deleted: 'Deleted',
    pending: 'Some files are still to be deleted from storage: this is retried at every erasure and daily with retention.',
    done: 'Done: her data was erased.',
  },
  auditActions: {
    'aspirant.erased': "Erased an aspirant's data",
    'aspirant.exported': "Exported an aspirant's data",
  },
  auditTargets: { aspirant: 'Aspirant' },
};
