/**
 * @module test/support/cluster-audit — who wrote each row, for the cluster suite's fencing test (test/support/cluster
 * `audit: true`): each process connects as its own Postgres role, and this trigger records every INSERT into
 * `messages` and `conversations` in `cluster_audit` with the writer (session_user), the row's shard (the same
 * md5-first-byte as server/cluster/shard) and that shard's lease owner and epoch as the writing statement saw them.
 * The audit row commits or rolls back with the write it records, so a fenced (refused) commit leaves none.
 */

export const AUDIT_SQL = `
create table cluster_audit (id bigserial primary key, tbl text not null, row_id bigint not null, writer text not null,
  shard int, owner text, epoch bigint, at timestamptz not null default clock_timestamp());
create function cluster_audit_row() returns trigger language plpgsql as $$
declare k text; s int; o text; e bigint;
begin
  if TG_TABLE_NAME = 'messages' then
    select a.whatsapp_id into k from conversations c join aspirants a on a.id = c.aspirant_id where c.id = NEW.conversation_id;
  else
    select a.whatsapp_id into k from aspirants a where a.id = NEW.aspirant_id;
  end if;
  s := get_byte(decode(md5(k), 'hex'), 0);
  select owner, epoch into o, e from shard_leases where shard = s;
  insert into cluster_audit (tbl, row_id, writer, shard, owner, epoch) values (TG_TABLE_NAME, NEW.id, session_user, s, o, e);
  return NEW;
end $$;
create trigger cluster_audit_messages after insert on messages for each row execute function cluster_audit_row();
create trigger cluster_audit_conversations after insert on conversations for each row execute function cluster_audit_row();`;
