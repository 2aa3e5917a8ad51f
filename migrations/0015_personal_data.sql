CREATE TABLE "consents" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"aspirant_id" integer NOT NULL,
	"scope" text NOT NULL,
	"decision" text NOT NULL,
	"purposes" text[] DEFAULT '{}' NOT NULL,
	"notice_version" integer NOT NULL,
	"notice_sha256" text NOT NULL,
	"notice_locale" text NOT NULL,
	"channel" text NOT NULL,
	"granted_by" text DEFAULT 'aspirant' NOT NULL,
	"guardian_id" integer,
	"ip" text,
	"user_agent" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_subject_requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_subject_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"aspirant_id" integer,
	"conversation_id" integer,
	"right" text NOT NULL,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_on" date NOT NULL,
	"extended_due_on" date,
	"extension_reason" text,
	"tag_due_on" date,
	"tagged_at" timestamp with time zone,
	"details" text,
	"resolution" text,
	"resolved_at" timestamp with time zone,
	"opened_by_id" integer,
	"handled_by_id" integer,
	"source_message_sid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erased_subjects" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "erased_subjects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"identity_hash" text NOT NULL,
	"opted_out" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guardians" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "guardians_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"aspirant_id" integer NOT NULL,
	"name" text NOT NULL,
	"document_type" text NOT NULL,
	"document_number" text NOT NULL,
	"relationship" text NOT NULL,
	"phone" text,
	"email" text,
	"link_sent_at" timestamp with time zone,
	"authorised_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_notices" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "privacy_notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"version" integer NOT NULL,
	"locale" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"sha256" text NOT NULL,
	"author" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "read_audit" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "read_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" integer,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"aspirant_id" integer,
	"conversation_id" integer,
	"media_id" bigint,
	"details" jsonb,
	"ip" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sensitive_access" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "birth_date" date;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "measurements" jsonb;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_aspirant_id_aspirants_id_fk" FOREIGN KEY ("aspirant_id") REFERENCES "public"."aspirants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_guardian_id_guardians_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "public"."guardians"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_aspirant_id_aspirants_id_fk" FOREIGN KEY ("aspirant_id") REFERENCES "public"."aspirants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_opened_by_id_users_id_fk" FOREIGN KEY ("opened_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_handled_by_id_users_id_fk" FOREIGN KEY ("handled_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardians" ADD CONSTRAINT "guardians_aspirant_id_aspirants_id_fk" FOREIGN KEY ("aspirant_id") REFERENCES "public"."aspirants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "read_audit" ADD CONSTRAINT "read_audit_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "read_audit" ADD CONSTRAINT "read_audit_aspirant_id_aspirants_id_fk" FOREIGN KEY ("aspirant_id") REFERENCES "public"."aspirants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_aspirant_scope_idx" ON "consents" USING btree ("aspirant_id","scope","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "data_subject_requests_open_idx" ON "data_subject_requests" USING btree ("due_on") WHERE status in ('received', 'in_progress');--> statement-breakpoint
CREATE INDEX "data_subject_requests_aspirant_idx" ON "data_subject_requests" USING btree ("aspirant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "data_subject_requests_source_key" ON "data_subject_requests" USING btree ("source_message_sid") WHERE source_message_sid is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "erased_subjects_identity_hash_key" ON "erased_subjects" USING btree ("identity_hash");--> statement-breakpoint
CREATE INDEX "guardians_aspirant_idx" ON "guardians" USING btree ("aspirant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_notices_version_locale_key" ON "privacy_notices" USING btree ("version","locale");--> statement-breakpoint
CREATE INDEX "read_audit_aspirant_idx" ON "read_audit" USING btree ("aspirant_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "read_audit_recent_idx" ON "read_audit" USING btree ("at" DESC NULLS LAST);--> statement-breakpoint
-- The consent box ticked before the ledger existed: one authorisation of treatment per aspirant, on the built-in
-- notice (version 0, no stored text: its hash is the literal 'pre-ledger').
INSERT INTO "consents" ("aspirant_id", "scope", "decision", "purposes", "notice_version", "notice_sha256", "notice_locale", "channel", "granted_by", "at")
SELECT "id", 'treatment', 'authorisation', ARRAY['recruitment', 'contact'], 0, 'pre-ledger', "locale", 'form', 'aspirant', "consent_at"
FROM "aspirants" WHERE "consent_at" IS NOT NULL;
