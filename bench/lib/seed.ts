/** @module bench/lib/seed — fills a database with an agency's worth of inbox: N conversations and one long history, set-based INSERTs only. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client';

export interface SeedSizes {
  conversations: number;
  /** Messages (and journaled events) in the one long conversation. */
  history: number;
}

export interface Seeded {
  adminId: number;
  recruiterId: number;
  /** The conversation with the long history, newest in the inbox. */
  bigConversationId: number;
  messages: number;
}

async function one<T>(db: Db, query: ReturnType<typeof sql>): Promise<T> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  const rows = Array.isArray(result) ? result : (result.rows ?? []);
  return rows[0] as T;
}

async function seedPeople(db: Db, n: number): Promise<void> {
  await db.execute(sql`
    insert into aspirants (whatsapp_id, phone, whatsapp_name, first_name, last_name, email, location, preferred_modeling_types, has_kids, locale, created_at)
    select '+5730' || lpad(g::text, 8, '0'),
           '+5730' || lpad(g::text, 8, '0'),
           'Aspirante ' || g,
           case when g % 3 = 0 then null else (array['Valentina','Camila','Mariana','Isabella','Daniela','Sofía'])[1 + g % 6] end,
           case when g % 3 = 0 then null else (array['Gómez','Restrepo','Vélez','Ospina','Cárdenas'])[1 + g % 5] end,
           case when g % 3 = 0 then null else 'aspirante' || g || '@correo.co' end,
           (array['Medellín','Bogotá','Cali','Barranquilla'])[1 + g % 4],
           array['Commercial','Runway'],
           g % 4 = 0, 'es', now() - g * interval '1 minute'
    from generate_series(1, ${n}::int) g`);
  await db.execute(sql`
    insert into conversations (aspirant_id, status, assignee_id, bot_state, bot_script, last_inbound_at, last_message_at, last_message_preview, unread_count)
    select a.id,
           (array['new','open','pending_form','pending_photo','needs_attention','closed','archived'])[1 + a.id % 7]::conversation_status,
           case when a.id % 4 = 0 then (select id from users where role = 'recruiter' limit 1) end,
           '{"step":"awaiting_form","paused":false,"stopped":false,"remindersSent":0}'::jsonb,
           'intake@1', now() - a.id * interval '1 minute', now() - a.id * interval '1 minute',
           'Hola, quiero más información del casting ' || a.id, a.id % 3
    from aspirants a`);
}

async function seedHistory(db: Db, conversationId: number, history: number, recruiterId: number): Promise<void> {
  await db.execute(sql`
    insert into messages (conversation_id, sender, author_id, body, provider_sid, status, created_at)
    select ${conversationId}::int, (array['aspirant','bot','recruiter'])[1 + g % 3]::message_sender,
           case when g % 3 = 2 then ${recruiterId}::int end,
           'Mensaje ' || g || ': ' || repeat('hola qué tal ', 1 + g % 12),
           'SM' || lpad(to_hex(g), 32, '0'),
           (case when g % 3 = 0 then 'received' else 'read' end)::delivery_status,
           now() - (${history}::int - g) * interval '1 minute'
    from generate_series(1, ${history}::int) g`);
  // Every 50th message carries a stored photo; the journal has one event per message, as the actor writes it.
  await db.execute(sql`
    insert into media (message_id, kind, content_type, size, blob_key, state)
    select id, 'image', 'image/jpeg', 120000, 'bench/' || id, 'stored' from messages where conversation_id = ${conversationId}::int and id % 50 = 0`);
  await db.execute(sql`
    insert into conversation_events (conversation_id, type, payload, at)
    select ${conversationId}::int, (array['inbound.received','outbox.sent','recruiter.replied','status.received'])[1 + g % 4], '{}'::jsonb, now() - (${history}::int - g) * interval '1 minute'
    from generate_series(1, ${history}::int) g`);
  await db.execute(sql`insert into notes (conversation_id, author_id, body) select ${conversationId}::int, ${recruiterId}::int, 'Nota ' || g from generate_series(1, 20) g`);
}

/** Users, N aspirants with one conversation each (one message apiece) and one conversation with a long history. */
export async function seedInbox(db: Db, sizes: SeedSizes): Promise<Seeded> {
  await db.execute(sql`
    insert into users (email, name, role, password_hash) values
      ('admin@bench.test', 'Bench Admin', 'admin', 'x'),
      ('ana@bench.test', 'Ana Recruiter', 'recruiter', 'x'),
      ('luis@bench.test', 'Luis Recruiter', 'recruiter', 'x')`);
  const { adminId, recruiterId } = await one<{ adminId: number; recruiterId: number }>(
    db,
    sql`select (select id from users where role = 'admin') as "adminId", (select min(id) from users where role = 'recruiter') as "recruiterId"`,
  );
  await seedPeople(db, sizes.conversations);
  const { id: bigConversationId } = await one<{ id: number }>(db, sql`select c.id from conversations c join aspirants a on a.id = c.aspirant_id where a.whatsapp_id = '+573000000001'`);
  await db.execute(sql`update conversations set status = 'open', last_message_at = now(), unread_count = 0 where id = ${bigConversationId}::int`);
  await db.execute(sql`
    insert into messages (conversation_id, sender, body, status, created_at)
    select id, 'aspirant', last_message_preview, 'received', last_message_at from conversations where id <> ${bigConversationId}::int`);
  await seedHistory(db, bigConversationId, sizes.history, recruiterId);
  await db.execute(sql`insert into canned_responses (title, body) values ('Saludo', 'Hola! Gracias por escribirnos.'), ('Horario', 'Atendemos de 8 a 18.')`);
  await db.execute(sql`analyze`);
  const { count } = await one<{ count: number }>(db, sql`select count(*)::int as count from messages`);
  return { adminId, recruiterId, bigConversationId, messages: count };
}
