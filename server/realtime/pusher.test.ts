/** @module server/realtime/pusher.test — list rows are pushed in commit order, whether read after the commit or read back by it. */
import { describe, expect, test } from 'bun:test';
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent } from '../../actors/conversation/types';
import { drivers, testDatabase } from '../../test/support/db';
import type { RowRecord } from '../db/queries/inbox';
import { aspirants, conversations } from '../db/schema';
import { createLogger } from '../logger';
import { translator } from '../../views/i18n';
import { createHub } from './hub';
import { createPusher } from './pusher';
import { ADMIN_INBOX, listTopic } from './topics';

const inbound = { type: 'inbound.received', eventId: 1, messageSid: 'SM1', body: 'x', media: [], receivedAt: 0 } as unknown as ConversationEvent;

function result(conversationId: number, readBack?: RowRecord): CommitResult<RowRecord> {
  return { applied: true, conversationId, messageIds: { in: 1 }, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [], readBack };
}

describe.each(drivers)('pusher (%s)', (driver) => {
  test("a row read back by a later commit is not overtaken by an earlier commit's row still being read", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112233', whatsappName: 'Vale' }).returning();
    const [conversation] = await db.insert(conversations).values({ aspirantId: aspirant!.id, lastMessagePreview: 'primero' }).returning();
    const hub = createHub();
    const published: string[] = [];
    // One Spanish reader listening: the pushes are rendered for her and published on her topic.
    const reader = hub.join(translator('es', 'America/Bogota'));
    hub.attach({ publish: (topic, data) => (topic === reader.topic(listTopic(ADMIN_INBOX, 'any')) ? published.push(data) : 0) });
    const pusher = createPusher({ db, hub, logger: createLogger('error', () => {}) });

    // The first commit's row is read from the database; the second commit (in the same tick, while that read is in
    // flight) read its row back with a newer preview.
    const readBack: RowRecord = {
      id: conversation!.id,
      number: '+573001112233',
      firstName: null,
      lastName: null,
      whatsappName: 'Vale',
      optedOutAt: null,
      preview: 'tercero',
      lastMessageAt: new Date(),
      unread: 1,
      status: 'new',
      assigneeId: null,
      assigneeName: null,
      waitingSince: null,
      lastInboundAt: null,
    };
    pusher.changed(conversation!.id, result(conversation!.id), inbound);
    pusher.changed(conversation!.id, result(conversation!.id, readBack), inbound);
    await pusher.idle();

    expect(published).toHaveLength(2);
    // The read-back row went out last, and no query was needed for it.
    expect(published[0]).toContain('primero');
    expect(published[1]).toContain('tercero');
    expect(published[1]).toContain('Sin asignar');
  });
});
