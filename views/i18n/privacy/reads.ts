/**
 * @module views/i18n/privacy/reads — the words of the audit of reads of personal data (who opened, saw, downloaded, exported, searched), Spanish (Colombia) first and English. `readsEs` is
 * mounted at `privacy.reads` in ../es (`readsEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const readsEs = {
  /** One per actors/vocabulary READ_ACTIONS. */
  actions: {
    'conversation.opened': 'Abrió la conversación',
    'media.viewed': 'Vio un archivo',
    'media.downloaded': 'Descargó un archivo',
    'aspirant.exported': 'Exportó sus datos',
    search: 'Buscó',
  },
  section: {
    title: 'Quién vio sus datos',
    hint: 'Las últimas {{count}} lecturas de sus datos personales (Ley 1581, Art. 17).',
    empty: 'Nadie ha leído sus datos todavía.',
    all: 'Ver todas',
  },
  page: {
    title: 'Lecturas de datos personales',
    intro: 'Cada vez que alguien abre una conversación, ve o descarga un archivo, busca o exporta, queda registrado aquí: así la agencia puede responder «¿quién vio mis fotos?».',
    aspirant: 'Aspirante (id)',
    user: 'Usuario',
    anyUser: 'Cualquiera',
    action: 'Acción',
    anyAction: 'Todas',
    filter: 'Filtrar',
    clear: 'Quitar filtros',
    when: 'Cuándo',
    who: 'Quién',
    what: 'Qué',
    whose: 'De quién',
    none: 'No hay lecturas con estos filtros.',
    next: 'Más antiguas',
    file: 'archivo #{{id}}',
    conversation: 'conversación #{{id}}',
    aspirantId: 'aspirante #{{id}}',
    erased: 'persona suprimida',
    terms: '«{{q}}»',
    invalid: 'Filtro no válido: el id de aspirante es un número entero positivo.',
  },
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const readsEn: typeof readsEs = {
  actions: {
    'conversation.opened': 'Opened the conversation',
    'media.viewed': 'Viewed a file',
    'media.downloaded': 'Downloaded a file',
    'aspirant.exported': 'Exported her data',
    search: 'Searched',
  },
  section: {
    title: 'Who saw her data',
    hint: 'The last {{count}} reads of her personal data (Law 1581, Art. 17).',
    empty: 'Nobody has read her data yet.',
    all: 'See all',
  },
  page: {
    title: 'Reads of personal data',
    intro: 'Every time someone opens a conversation, views or downloads a file, searches or exports, it is recorded here: so the agency can answer "who saw my photos?".',
    aspirant: 'Aspirant (id)',
    user: 'User',
    anyUser: 'Anyone',
    action: 'Action',
    anyAction: 'All',
    filter: 'Filter',
    clear: 'Clear filters',
    when: 'When',
    who: 'Who',
    what: 'What',
    whose: 'Whose',
    none: 'No reads match these filters.',
    next: 'Older',
    file: 'file #{{id}}',
    conversation: 'conversation #{{id}}',
    aspirantId: 'aspirant #{{id}}',
    erased: 'erased person',
    terms: '"{{q}}"',
    invalid: 'Invalid filter: the aspirant id is a positive whole number.',
  },
  auditActions: {},
  auditTargets: {},
};
