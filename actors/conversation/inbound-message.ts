/**
 * @module actors/conversation/inbound-message — the aspirant's message as decide stores it: the event's parts (an
 * event journaled before message kinds read as its parser then stored it) and the `messages` row they make.
 */
import { contentFromMedia, type InboundParts, type MessageContent } from './message-kinds';
import type { InboundExtra, InboundReceived, NewMessage } from './types';

interface LegacyExtra {
  location?: { latitude: number; longitude: number; address?: string; label?: string };
  button?: { text: string; payload?: string };
  repliedToSid?: string;
}

/**
 * The message model of an event. Events journaled before kinds existed (replays, and inbound rows stored by an
 * older version and not yet processed) have no `content`: their location, button and replied-to sid were in `extra`.
 */
export function inboundParts(event: InboundReceived): InboundParts {
  if (event.content) return { ...event, content: event.content };
  const { location, button, repliedToSid } = (event.extra ?? {}) as LegacyExtra;
  let content: MessageContent = contentFromMedia(event.media);
  if (location) content = { kind: 'location', ...location };
  else if (button) content = button.payload === undefined ? { kind: 'interactive', reply: 'button' } : { kind: 'interactive', reply: 'button', payload: button.payload };
  const parts: InboundParts = { body: event.body || (button?.text ?? ''), content, media: event.media };
  if (repliedToSid) parts.context = { messageId: repliedToSid };
  return parts;
}

/** The forwarded flags and marks, or undefined when there are none (the column stays null). */
function extraOf(parts: InboundParts): InboundExtra | undefined {
  const extra: InboundExtra = {};
  if (parts.forwarded) extra.forwarded = true;
  if (parts.frequentlyForwarded) extra.frequentlyForwarded = true;
  if (parts.marks?.length) extra.marks = parts.marks;
  return Object.keys(extra).length ? extra : undefined;
}

/** The `messages` row of her message: received, with its provider id, kind, files, context and referral. */
export function inboundMessage(event: InboundReceived, parts: InboundParts): NewMessage {
  const message: NewMessage = { ref: 'inbound', sender: 'aspirant', body: parts.body, status: 'received', providerSid: event.messageSid, content: parts.content, media: parts.media };
  // Absent stays absent: the event and its effects are journaled and compared as JSON.
  if (parts.context) message.context = parts.context;
  if (parts.referral) message.referral = parts.referral;
  const extra = extraOf(parts);
  if (extra) message.extra = extra as Record<string, unknown>;
  return message;
}
