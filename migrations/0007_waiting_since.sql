ALTER TABLE "conversations" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "conversations_waiting_idx" ON "conversations" USING btree ("waiting_since","id") WHERE waiting_since is not null;--> statement-breakpoint
-- Backfill (hand-written, appended before this migration landed): a conversation whose last message is the aspirant's
-- waits since her first message after our side's last one (a recruiter's, a template or the bot's), as decide() would
-- have kept it. Only conversations whose last activity is inbound are looked at, each through
-- messages_conversation_history_idx. As in decide(): an opted-out aspirant waits for nobody, an opt-out word ends a
-- wait, and an opt-out or opt-in word (STOP, BAJA, CANCELAR, UNSUBSCRIBE, START, ALTA; any case, surrounding
-- punctuation ignored) starts none. Whole milliseconds, as decide() writes them: the waiting list's keyset cursor
-- carries milliseconds. Statuses are left as they are.
UPDATE conversations c SET waiting_since = w.since
FROM (
  SELECT x.id, (
    SELECT date_trunc('milliseconds', min(m.created_at)) FROM messages m
    WHERE m.conversation_id = x.id AND m.sender = 'aspirant'
      -- After our side's last message and her last opt-out word.
      AND m.id > coalesce((SELECT max(o.id) FROM messages o WHERE o.conversation_id = x.id
        AND (o.sender <> 'aspirant' OR lower(btrim(o.body, E' \t\r\n.,;:!?¡¿')) IN ('stop', 'baja', 'cancelar', 'unsubscribe'))), 0)
      AND lower(btrim(m.body, E' \t\r\n.,;:!?¡¿')) NOT IN ('stop', 'baja', 'cancelar', 'unsubscribe', 'start', 'alta')
  ) AS since
  FROM conversations x JOIN aspirants a ON a.id = x.aspirant_id
  WHERE x.last_inbound_at >= x.last_message_at AND a.opted_out_at IS NULL
) w
WHERE c.id = w.id AND w.since IS NOT NULL AND c.waiting_since IS NULL;
