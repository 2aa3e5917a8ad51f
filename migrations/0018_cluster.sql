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
