/**
 * @module views/i18n/privacy/common — the words shared by the personal-data pages (Law 1581): the admin area's tabs,
 * the panel's section headings. Mounted at `privacy.common` in ../es and ../en.
 */
export const commonEs = {
  area: 'Datos personales',
  tabs: { label: 'Secciones de datos personales', requests: 'Solicitudes', notice: 'Aviso de privacidad', retention: 'Retención', reads: 'Lecturas' },
  panel: { label: 'Datos personales (Ley 1581)', loading: 'Cargando…', failed: 'No se pudo cargar esta sección; recarga la página.' },
};

export const commonEn: typeof commonEs = {
  area: 'Personal data',
  tabs: { label: 'Personal data sections', requests: 'Requests', notice: 'Privacy notice', retention: 'Retention', reads: 'Reads' },
  panel: { label: 'Personal data (Law 1581)', loading: 'Loading…', failed: 'This section could not be loaded; reload the page.' },
};
