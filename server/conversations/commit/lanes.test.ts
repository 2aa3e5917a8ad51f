/** @module server/conversations/commit/lanes.test — the lane each shape of effects takes. */
import { describe, expect, test } from 'bun:test';
import { initialState } from '../../../actors/conversation/decide';
import type { ConversationEvent, Effect } from '../../../actors/conversation/types';
import { laneOf } from './lanes';

const SID = `SM${'a'.repeat(32)}`;
const known = { ...initialState('+573001112233'), conversationId: 1, aspirantId: 1 };
const event = { type: 'status.received', eventId: 1, messageSid: SID, status: 'failed' } as ConversationEvent;
const move: Effect = { type: 'message.status', match: { providerSid: SID }, status: 'failed' };
const message: Effect = { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'hola', status: 'received' } };

describe('lanes', () => {
  test('only a lone status move takes the status lane', () => {
    expect(laneOf({ ...known, conversationId: null }, event, [move])).toBe('general');
    expect(laneOf(known, event, [move, { type: 'conversation.patch', patch: { status: 'needs_attention' } }])).toBe('general');
    expect(laneOf(known, event, [move, move])).toBe('general');
    expect(laneOf(known, event, [move])).toBe('status');
    expect(laneOf(known, event, [move, { type: 'inbound.processed', eventId: 1 }])).toBe('status');
  });

  test('messages, first messages and bot steps take the set lane; media, forms, notes and commands the general one', () => {
    const inbound = { type: 'inbound.received', eventId: 2 } as ConversationEvent;
    expect(laneOf(known, inbound, [{ type: 'inbound.processed', eventId: 2 }, message, { type: 'timer.schedule', name: 'r', at: 0 }])).toBe('set');
    expect(laneOf({ ...known, conversationId: null }, inbound, [{ type: 'conversation.create' }, message])).toBe('set');
    // A first message whose aspirant row is not known yet.
    expect(laneOf({ ...known, conversationId: null, aspirantId: null }, inbound, [{ type: 'conversation.create' }, message])).toBe('general');
    expect(laneOf(known, inbound, [{ type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: '', status: 'received', media: [{ url: 'u', contentType: 'image/jpeg' }] } }])).toBe(
      'general',
    );
    expect(laneOf(known, inbound, [{ type: 'note.add', authorId: 1, body: 'x' }])).toBe('general');
    const reply = { type: 'recruiter.replied', userId: 1, commandId: 'c1', body: 'hola' } as ConversationEvent;
    expect(laneOf(known, reply, [message])).toBe('general');
    expect(
      laneOf(known, inbound, [
        { type: 'inbound.processed', eventId: 2 },
        { type: 'inbound.processed', eventId: 3 },
      ]),
    ).toBe('general');
  });
});
