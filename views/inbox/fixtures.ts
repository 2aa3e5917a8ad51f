/** @module views/inbox/fixtures — realistic sample data for the inbox views' tests and screenshots (not used at run time). */
import type { ConversationRowView, MessageView, OpenConversationView, ViewerView } from './types';

export const SAMPLE_NOW = new Date(2025, 2, 12, 15, 42);

const at = (daysAgo: number, hours: number, minutes: number) => new Date(SAMPLE_NOW.getFullYear(), SAMPLE_NOW.getMonth(), SAMPLE_NOW.getDate() - daysAgo, hours, minutes);

export const sampleViewer: ViewerView = { id: 1, name: 'Ana Restrepo', role: 'admin', csrf: 'csrf-token-123' };

const ANA = { id: 1, name: 'Ana Restrepo' };
const LUIS = { id: 2, name: 'Luis Ortega' };

export const sampleRows: ConversationRowView[] = [
  {
    id: 12,
    name: 'Valentina Gómez',
    number: '+573001234567',
    preview: 'Listo, ya envié la foto 📸',
    lastMessageAt: at(0, 15, 38),
    unread: 2,
    status: 'needs_attention',
    assignee: ANA,
    optedOut: false,
    waitingSince: at(0, 15, 10),
  },
  { id: 9, name: 'Camila Rojas', number: '+573104445566', preview: '¿Cuánto pagan por una sesión comercial?', lastMessageAt: at(0, 14, 5), unread: 1, status: 'new', optedOut: false, waitingSince: null },
  {
    id: 7,
    name: 'Juan Pablo Díaz',
    number: '+573157778899',
    preview: 'Bot: Gracias, recibimos tu formulario ✅',
    lastMessageAt: at(0, 11, 20),
    unread: 0,
    status: 'pending_photo',
    assignee: LUIS,
    optedOut: false,
    waitingSince: null,
  },
  { id: 5, name: 'Mariana', number: '+573201112233', preview: 'Perfecto, nos vemos el jueves', lastMessageAt: at(1, 18, 2), unread: 0, status: 'open', assignee: ANA, optedOut: false, waitingSince: null },
  { id: 4, name: '+573009998877', number: '+573009998877', preview: 'Bot: Hola 👋 Soy el asistente de Élite Models…', lastMessageAt: at(3, 9, 15), unread: 0, status: 'pending_form', optedOut: false, waitingSince: null },
  { id: 3, name: 'Sofía Herrera', number: '+573185556677', preview: 'STOP', lastMessageAt: at(9, 16, 40), unread: 0, status: 'closed', assignee: LUIS, optedOut: true, waitingSince: null },
  { id: 2, name: 'Daniela Castro', number: '+573012223344', preview: 'Muchas gracias por la oportunidad', lastMessageAt: at(40, 10, 0), unread: 0, status: 'archived', optedOut: false, waitingSince: null },
];

export const sampleMessages: MessageView[] = [
  { id: 101, sender: 'aspirant', body: 'Hola! Vi el anuncio en Instagram, quiero ser modelo', createdAt: at(1, 17, 50), status: 'received', media: [] },
  {
    id: 102,
    sender: 'bot',
    body: '¡Hola Valentina! 👋 Soy el asistente de Élite Models. Para empezar, llena este formulario (toma 2 minutos):\nhttps://wasap.example/f/8KQ2',
    createdAt: at(1, 17, 50),
    status: 'read',
    media: [],
  },
  { id: 103, sender: 'bot', body: 'Gracias, recibimos tu formulario ✅ Ahora envíanos una foto de cuerpo completo con luz natural.', createdAt: at(0, 15, 30), status: 'read', media: [] },
  { id: 104, sender: 'aspirant', body: 'Listo, ya envié la foto 📸', createdAt: at(0, 15, 36), status: 'received', media: [{ id: 301, kind: 'image', contentType: 'image/jpeg', state: 'stored' }] },
  { id: 105, sender: 'aspirant', body: '', createdAt: at(0, 15, 38), status: 'received', media: [{ id: 302, kind: 'document', contentType: 'application/pdf', state: 'stored' }] },
  {
    id: 106,
    sender: 'recruiter',
    authorName: 'Ana Restrepo',
    body: '¡Qué buena foto, Valentina! ¿Tienes disponibilidad el jueves en la mañana para una prueba de cámara?',
    createdAt: at(0, 15, 40),
    status: 'delivered',
    media: [],
  },
  {
    id: 107,
    sender: 'recruiter',
    authorName: 'Ana Restrepo',
    body: 'Te comparto la dirección: Cra. 43A #1-50, Medellín',
    createdAt: at(0, 15, 41),
    status: 'failed',
    errorCode: 63016,
    errorMessage: 'Outside the 24-hour window; use a template',
    media: [],
  },
];

export const sampleOpen: OpenConversationView = {
  conversation: {
    conversationId: 12,
    number: '+573001234567',
    whatsappName: 'Vale 🌸',
    profile: {
      firstName: 'Valentina',
      lastName: 'Gómez',
      email: 'vale.gomez@example.com',
      location: 'Medellín, Antioquia',
      preferredModelingTypes: ['Commercial', 'Runway'],
      hasKids: false,
      preferredShift: 'morning',
      unavailableShifts: ['evening'],
      notes: 'Estudio por las tardes',
      locale: 'es',
      formSubmittedAt: at(0, 15, 28),
    },
    photos: [{ mediaId: 301 }],
    bot: { script: 'default-es', step: 'handoff', paused: true },
    status: 'needs_attention',
    assignee: ANA,
    recruiters: [ANA, LUIS, { id: 3, name: 'Carolina Vélez' }],
    notes: [{ id: 1, authorName: 'Luis Ortega', body: 'Buen perfil para la campaña de Éxito. Confirmar estatura.', createdAt: at(0, 15, 39) }],
    events: [
      { at: at(1, 17, 50), type: 'inbound.received' },
      { at: at(0, 15, 28), type: 'form.submitted' },
      { at: at(0, 15, 36), type: 'media.stored' },
      { at: at(0, 15, 37), type: 'conversation.assigned' },
      { at: at(0, 15, 40), type: 'recruiter.replied' },
    ],
  },
  messages: sampleMessages,
  olderCursor: '101',
  window: { open: true, closesAt: new Date(SAMPLE_NOW.getTime() + (23 * 60 + 54) * 60_000) },
  templates: [
    { sid: 'HX111', name: 'Seguimiento', preview: 'Hola {{1}}, ¿sigues interesada en trabajar con Élite Models?' },
    { sid: 'HX222', name: 'Recordatorio de cita', preview: 'Te recordamos tu cita el {{1}} a las {{2}}.' },
  ],
  canned: [
    { id: 1, title: 'Dirección de la agencia', body: 'Estamos en Cra. 43A #1-50, Medellín. Horario: 8 a. m. – 5 p. m.' },
    { id: 2, title: 'Pago', body: 'El pago depende de la campaña; te contamos los detalles en la prueba de cámara.' },
  ],
};
