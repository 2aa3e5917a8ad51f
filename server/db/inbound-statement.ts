/**
 * @module server/db/inbound-statement — the one statement that stores a batch of webhook rows and resolves whose
 * they are: each row's aspirant is found by her BSUID, else by her phone; a message of someone never seen creates
 * her aspirant; an aspirant found gets a missing phone or BSUID linked and a changed username updated. Each stored
 * row comes back with its conversation key (`aspirants.whatsapp_id`, never changed once set).
 *
 * The rows travel as one JSON parameter, so the text depends only on the batch's shape. Twilio's batches (a phone
 * alone, no BSUID, no username) take `phoneStatement`: one index probe per row (aspirants_phone_key, where the
 * phone-keyed statement before it probed aspirants_whatsapp_id_key through ON CONFLICT and took a sequence value),
 * an insert only for people never seen, and the inbound rows. Measured against that statement on Postgres 15 with
 * 20,000 aspirants, commits not flushed (2026-12-01, a loaded 2-core box): 50 rows 1.22 against 1.21 ms and 200 rows
 * 5.96 against 5.89 ms (25th percentiles), one row about 0.01 ms more (0.13 against 0.12 ms) — a hundredth of the
 * commit's flush. Any other batch takes `identityStatement` (about twice the lookups: 0.24 ms for one row).
 *
 * A row whose person another statement created meanwhile (unseen in this one's snapshot, so its own creation was
 * skipped by a unique index) is not stored and not answered, as a duplicate is not: server/db/batch-insert tells
 * them apart and runs such rows again.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { WhatsAppIdentity } from '../whatsapp/port';
import { keyOf } from '../whatsapp/identity';

/** What the statement needs of a webhook row. */
export interface IdentityRow {
  providerSid: string;
  kind: string;
  identity: WhatsAppIdentity;
  payload: unknown;
  /** A message: create her aspirant when none is found, with this WhatsApp profile name. */
  aspirant?: { whatsappName: string | null };
}

/**
 * One person of a batch: the rows that share a phone or a BSUID (transitively), so two first messages of one new
 * person — even one with her BSUID alone and one with BSUID and phone — make one aspirant. `key` is her first
 * message's (her phone when it had one, else her BSUID; for statuses alone, the first row's); phone and BSUID the first
 * seen; username the last seen; the profile name that of her first message.
 */
export interface Person {
  n: number;
  key: string;
  phone: string | null;
  bsuid: string | null;
  username: string | null;
  name: string | null;
  creates: boolean;
}

/** The people of a batch in order of first appearance, and each row's person (its index). */
export function peopleOf(rows: IdentityRow[]): { people: Person[]; personOf: number[] } {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstWith = new Map<string, number>();
  /** Each root's BSUID, when one of its rows has one. */
  const bsuidOf = rows.map((row) => row.identity.bsuid ?? null);
  rows.forEach((row, i) => {
    for (const value of [row.identity.phone && `p:${row.identity.phone}`, row.identity.bsuid && `b:${row.identity.bsuid}`]) {
      if (!value) continue;
      const j = firstWith.get(value);
      if (j === undefined) firstWith.set(value, i);
      else {
        const [a, b] = [find(i), find(j)];
        if (a === b) continue;
        // Two BSUIDs are two WhatsApp users, whatever number they share (a number given to someone new): never one.
        if (bsuidOf[a] && bsuidOf[b] && bsuidOf[a] !== bsuidOf[b]) continue;
        // The earlier root wins: a person's root is her first row.
        const [root, child] = [Math.min(a, b), Math.max(a, b)];
        parent[child] = root;
        bsuidOf[root] ??= bsuidOf[child]!;
      }
    }
  });
  const people: Person[] = [];
  const byRoot = new Map<number, Person>();
  const personOf = rows.map((row, i) => {
    const root = find(i);
    let person = byRoot.get(root);
    if (!person) {
      person = { n: people.length, key: keyOf(row.identity), phone: null, bsuid: null, username: null, name: null, creates: false };
      byRoot.set(root, person);
      people.push(person);
    }
    person.phone ??= row.identity.phone ?? null;
    person.bsuid ??= row.identity.bsuid ?? null;
    person.username = row.identity.username ?? person.username;
    if (row.aspirant && !person.creates) {
      // Her key and name are her first message's (a status before it, of someone unknown, creates nothing).
      person.key = keyOf(row.identity);
      person.name = row.aspirant.whatsappName;
      person.creates = true;
    }
    return person.n;
  });
  return { people, personOf };
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** A row's fields for the statement; absent values are left out of the JSON (smaller to send and to parse). */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined && value !== false));
}

/**
 * Twilio's batch: every row has a phone and nothing else, so her person is her phone and a new one's key is it.
 * Found by a scalar subquery per row: an index probe, as cheap as lookups get (a set-based lookup and join measured
 * 25–40 % slower here, and separate name/creates columns 5 % slower than the one `aspirant` object). A row is stored
 * when her aspirant was found or created here, or when it creates no one (a status: keyed by its phone). Exported for
 * the query-plan test.
 */
export function phoneStatement(rows: IdentityRow[]): SQL {
  const input = rows.map((r) => ({ provider_sid: r.providerSid, kind: r.kind, payload: r.payload, phone: r.identity.phone, aspirant: r.aspirant ? { name: r.aspirant.whatsappName } : null }));
  return sql`
    with e as (
      select * from rows from (jsonb_to_recordset(${json(input)}) as (provider_sid text, kind text, payload jsonb, phone text, aspirant jsonb))
        with ordinality as e(provider_sid, kind, payload, phone, aspirant, ord)
    ), f as materialized (
      select e.*, (select a.whatsapp_id from aspirants a where a.phone = e.phone) as found from e
    ), created as (
      -- In number order, as ensureAspirants: two statements creating the same people take them in one order; a
      -- number's first message gives the profile name. Any unique index that conflicts skips the row.
      insert into aspirants (whatsapp_id, phone, whatsapp_name)
      select distinct on (phone) phone, phone, aspirant ->> 'name' from f where found is null and aspirant is not null
      order by phone, ord
      on conflict do nothing
      returning whatsapp_id
    )
    insert into inbound_events (provider_sid, kind, conversation_key, payload)
    select f.provider_sid, f.kind, coalesce(f.found, c.whatsapp_id, f.phone), f.payload
    from f left join created c on c.whatsapp_id = f.phone
    where f.found is not null or c.whatsapp_id is not null or f.aspirant is null
    order by f.ord
    on conflict (provider_sid) do nothing
    returning id, provider_sid, conversation_key as key`;
}

/** Whether the rerun of rows whose creation another statement won looks aspirants up by key too. */
export interface IdentityParts {
  byKey: boolean;
}

const ASPIRANT = sql.raw('id, whatsapp_id, phone, bsuid');

/**
 * Any batch (BSUIDs, usernames, a rerun): each row travels with its person's fields (`peopleOf`). Her aspirant is
 * found by BSUID, else phone (else, on a rerun, key: a row some older path made with her key alone); found, she gets
 * a missing phone or BSUID linked — unless another aspirant holds it — and a changed username; not found, a message
 * creates her. Exported for the query-plan test.
 */
export function identityStatement(rows: IdentityRow[], { people, personOf }: ReturnType<typeof peopleOf>, { byKey }: IdentityParts): SQL {
  const input = rows.map((r, i) => {
    const { n: _, ...person } = people[personOf[i]!]!;
    return compact({ provider_sid: r.providerSid, kind: r.kind, payload: r.payload, ...person });
  });
  const lookups = [
    sql`by_phone as materialized (select ${ASPIRANT} from aspirants where phone = any (array(select phone from e where phone is not null)))`,
    sql`by_bsuid as materialized (select ${ASPIRANT} from aspirants where bsuid = any (array(select bsuid from e where bsuid is not null)))`,
    ...(byKey ? [sql`by_key as materialized (select ${ASPIRANT} from aspirants where whatsapp_id = any (array(select key from e)))`] : []),
  ];
  const found = (column: string) => sql.raw(`coalesce(b.${column}, p.${column}${byKey ? `, k.${column}` : ''})`);
  // An aspirant found by phone (or key) is hers only when it has no other BSUID: a BSUID is one WhatsApp user, so
  // her number coming with another one is someone else now holding it (Meta gives a new BSUID with a new number).
  const sameUser = (alias: string) => sql.raw(`(e.bsuid is null or ${alias}.bsuid is null or ${alias}.bsuid = e.bsuid)`);
  return sql`
    with e as (
      select * from rows from (jsonb_to_recordset(${json(input)})
        as (provider_sid text, kind text, payload jsonb, key text, phone text, bsuid text, username text, name text, creates boolean))
        with ordinality as e(provider_sid, kind, payload, key, phone, bsuid, username, name, creates, ord)
    ), ${sql.join(lookups, sql`, `)}, f as materialized (
      select e.*, ${found('id')} as id, ${found('whatsapp_id')} as found,
        -- A new person whose number another aspirant holds is keyed by her BSUID, without that number.
        exists (select 1 from by_phone h where h.phone = e.phone) and e.bsuid is not null as phone_held
      from e
      left join by_bsuid b on b.bsuid = e.bsuid left join by_phone p on p.phone = e.phone and ${sameUser('p')}${byKey ? sql` left join by_key k on k.whatsapp_id = e.key and ${sameUser('k')}` : sql``}
    ), g as (
      select f.*, case when phone_held then bsuid else key end as new_key, case when phone_held then null else phone end as new_phone from f
    ), created as (
      -- In key order, as ensureAspirants: two statements creating the same people take them in one order. Any unique
      -- index that conflicts (key, phone, BSUID: another statement created her meanwhile) skips the row.
      insert into aspirants (whatsapp_id, phone, bsuid, username, whatsapp_name)
      select distinct on (new_key) new_key, new_phone, bsuid, username, name from g where id is null and creates
      order by new_key
      on conflict do nothing
      returning whatsapp_id
    ), linked as (
      -- A phone or BSUID another aspirant holds is not linked (she was two people before; the BSUID's one answers).
      update aspirants x set phone = coalesce(x.phone, l.phone), bsuid = coalesce(x.bsuid, l.bsuid),
        username = coalesce(l.username, x.username), updated_at = now()
      from (
        select distinct on (f.id) f.id, f.username, case when hp.id is null then f.phone end as phone, case when hb.id is null then f.bsuid end as bsuid
        from f left join by_phone hp on hp.phone = f.phone left join by_bsuid hb on hb.bsuid = f.bsuid
        where f.id is not null
      ) l
      where x.id = any (array(select id from f where id is not null)) and x.id = l.id
        and ((x.phone is null and l.phone is not null) or (x.bsuid is null and l.bsuid is not null) or x.username is distinct from coalesce(l.username, x.username))
    )
    insert into inbound_events (provider_sid, kind, conversation_key, payload)
    select g.provider_sid, g.kind, coalesce(g.found, c.whatsapp_id, g.new_key), g.payload
    from g left join created c on c.whatsapp_id = g.new_key
    where g.found is not null or c.whatsapp_id is not null or g.creates is not true
    order by g.ord
    on conflict (provider_sid) do nothing
    returning id, provider_sid, conversation_key as key`;
}
