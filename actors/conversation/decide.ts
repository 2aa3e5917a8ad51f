/** @module actors/conversation/decide — decide(state, event, now) → { state, effects }: pure, so every transition can be tested and replayed. */
import { isOptIn, isOptOut, preview, windowClosesAt, windowOpen } from './rules';
import type {
  ConversationEvent,
  ConversationState,
  Effect,
  InboundReceived,
  OutboxFailed,
  RecruiterReplied,
  ReplyResult,
  StatusReceived,
} from './types';

export interface Decision {
  state: ConversationState;
  effects: Effect[];
}

export function initialState(key: string): ConversationState {
  return { key, conversationId: null, status: 'new', lastInboundAt: null, optedOut: false, botPaused: false, assigneeId: null };
}

function onInbound(state: ConversationState, event: InboundReceived): Decision {
  const effects: Effect[] = [];
  if (state.conversationId === null) effects.push({ type: 'conversation.create', whatsappName: event.profileName });
  let optedOut = state.optedOut;
  if (isOptOut(event.body)) optedOut = true;
  else if (isOptIn(event.body)) optedOut = false;
  if (event.profileName !== undefined || optedOut !== state.optedOut) {
    effects.push({ type: 'aspirant.patch', whatsappName: event.profileName, optedOut: optedOut === state.optedOut ? undefined : optedOut, at: event.receivedAt });
  }
  effects.push({
    type: 'message.add',
    message: { ref: 'inbound', sender: 'aspirant', body: event.body, status: 'received', providerSid: event.messageSid, extra: event.extra, media: event.media },
  });
  // A closed or archived conversation comes back to the inbox when the aspirant writes again.
  const status = state.status === 'closed' || state.status === 'archived' ? 'open' : state.status;
  effects.push({
    type: 'conversation.patch',
    patch: { status, lastInboundAt: event.receivedAt, lastMessageAt: event.receivedAt, lastMessagePreview: preview(event.body, event.media), unreadIncrement: 1 },
  });
  effects.push({ type: 'inbound.processed', eventId: event.eventId });
  return { state: { ...state, status, optedOut, lastInboundAt: event.receivedAt }, effects };
}

function onStatus(state: ConversationState, event: StatusReceived): Decision {
  const effects: Effect[] = [
    { type: 'message.status', match: { providerSid: event.messageSid }, status: event.status, errorCode: event.errorCode, errorMessage: event.errorMessage },
  ];
  let status = state.status;
  if (event.status === 'failed' || event.status === 'undelivered') {
    status = 'needs_attention';
    effects.push({ type: 'conversation.patch', patch: { status } });
  }
  effects.push({ type: 'inbound.processed', eventId: event.eventId });
  return { state: { ...state, status }, effects };
}

function refuse(state: ConversationState, result: ReplyResult): Decision {
  return { state, effects: [{ type: 'reply', result }] };
}

function onRecruiterReply(state: ConversationState, event: RecruiterReplied, now: number): Decision {
  const body = event.body?.trim() ?? '';
  if (state.conversationId === null) return refuse(state, { ok: false, code: 'NO_CONVERSATION', message: 'This conversation does not exist yet.' });
  if (state.optedOut) return refuse(state, { ok: false, code: 'OPTED_OUT', message: 'The aspirant opted out (STOP/BAJA); nothing can be sent until they write START or ALTA.' });
  if (!body && !event.contentSid) return refuse(state, { ok: false, code: 'EMPTY_MESSAGE', message: 'Write a message first.' });
  if (!event.contentSid && !windowOpen(state.lastInboundAt, now)) {
    const closed = windowClosesAt(state.lastInboundAt);
    const since = closed === null ? 'the aspirant has not written yet' : `it closed at ${new Date(closed).toISOString()}`;
    return refuse(state, { ok: false, code: 'WINDOW_CLOSED', message: `Outside WhatsApp's 24-hour window (${since}): only an approved template can be sent.` });
  }
  const status = state.status === 'new' ? 'open' : state.status;
  const text = body || `[template ${event.contentSid}]`;
  const effects: Effect[] = [
    { type: 'message.add', message: { ref: 'reply', sender: 'recruiter', body: text, status: 'queued', authorId: event.userId, templateSid: event.contentSid } },
    { type: 'outbox.enqueue', messageRef: 'reply', body: body || undefined, contentSid: event.contentSid, contentVariables: event.contentVariables },
    // A recruiter taking over pauses the bot for this conversation.
    { type: 'conversation.patch', patch: { status, lastMessageAt: now, lastMessagePreview: preview(text), botPaused: true } },
    { type: 'reply', result: { ok: true } },
  ];
  return { state: { ...state, status, botPaused: true }, effects };
}

function onSendFailed(state: ConversationState, event: OutboxFailed): Decision {
  return {
    state: { ...state, status: 'needs_attention' },
    effects: [
      { type: 'message.status', match: { messageId: event.messageId }, status: 'failed', errorCode: event.errorCode, errorMessage: event.reason },
      { type: 'conversation.patch', patch: { status: 'needs_attention' } },
    ],
  };
}

export function decide(state: ConversationState, event: ConversationEvent, now: number): Decision {
  switch (event.type) {
    case 'inbound.received':
      return onInbound(state, event);
    case 'status.received':
      return onStatus(state, event);
    case 'recruiter.replied':
      return onRecruiterReply(state, event, now);
    case 'outbox.sent':
      return { state, effects: [{ type: 'message.status', match: { messageId: event.messageId }, status: 'queued', providerSid: event.providerSid }] };
    case 'outbox.failed':
      return onSendFailed(state, event);
    case 'media.stored': {
      const { type: _type, mediaId, messageId: _messageId, ...stored } = event;
      return { state, effects: [{ type: 'media.record', mediaId, stored }] };
    }
    case 'media.failed':
      return { state, effects: [{ type: 'media.record', mediaId: event.mediaId, failed: event.reason }] };
  }
}
