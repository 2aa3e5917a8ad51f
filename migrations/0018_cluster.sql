CREATE TABLE "cluster_commands" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cluster_commands_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"conversation_key" text NOT NULL,
	"shard" smallint NOT NULL,
	"origin" text NOT NULL,
	"command" jsonb NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cluster_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"url" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"draining" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shard_leases" (
	"shard" smallint PRIMARY KEY NOT NULL,
	"owner" text,
	"epoch" bigint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"acquired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "cluster_commands_open_idx" ON "cluster_commands" USING btree ("shard","id") WHERE answered_at IS NULL;--> statement-breakpoint
CREATE INDEX "shard_leases_owner_idx" ON "shard_leases" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "inbound_events_unprocessed_key_idx" ON "inbound_events" USING btree ("conversation_key","id") WHERE processed_at IS NULL;
--> statement-breakpoint
-- The fence every clustered commit checks in its own statement (server/cluster/fence): this process still owns these
-- shards under these epochs; the rows stay locked FOR KEY SHARE to the end of the transaction, so a takeover's claim
-- (FOR UPDATE SKIP LOCKED) passes them by. Raises SQLSTATE WF001 otherwise, which aborts the whole statement.
CREATE OR REPLACE FUNCTION wasap_fence(p_owner text, p_shards smallint[], p_epochs bigint[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  held int;
BEGIN
  SELECT count(*) INTO held FROM (
    SELECT 1 FROM shard_leases l JOIN unnest(p_shards, p_epochs) AS f(shard, epoch) ON l.shard = f.shard AND l.epoch = f.epoch
    WHERE l.owner = p_owner FOR KEY SHARE OF l) locked;
  IF held <> cardinality(p_shards) THEN
    RAISE EXCEPTION 'shard lease lost' USING ERRCODE = 'WF001';
  END IF;
  RETURN true;
END $$;
