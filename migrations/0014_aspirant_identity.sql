ALTER TABLE "aspirants" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "bsuid" text;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "username" text;--> statement-breakpoint
-- Every aspirant so far was keyed by her number (E.164): it becomes her phone too. Filled before the index is built.
UPDATE "aspirants" SET "phone" = "whatsapp_id" WHERE "whatsapp_id" ~ '^\+[1-9][0-9]{7,14}$';--> statement-breakpoint
CREATE UNIQUE INDEX "aspirants_phone_key" ON "aspirants" USING btree ("phone") WHERE "aspirants"."phone" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "aspirants_bsuid_key" ON "aspirants" USING btree ("bsuid") WHERE "aspirants"."bsuid" is not null;
--> statement-breakpoint
-- The inbox's search (server/db/queries/search.ts) finds her by her username (as `@name`) and her BSUID too.
CREATE OR REPLACE FUNCTION wasap_aspirant_text(first_name text, last_name text, whatsapp_name text, email text, location text, notes text, username text, bsuid text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT public.wasap_fold(concat_ws(' ', first_name, last_name, whatsapp_name, email, location, notes, '@' || username, bsuid)) $$;--> statement-breakpoint
DROP INDEX IF EXISTS aspirants_search_idx;--> statement-breakpoint
DROP FUNCTION IF EXISTS wasap_aspirant_text(text, text, text, text, text, text);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS aspirants_search_idx ON aspirants
  USING gin (wasap_aspirant_text(first_name, last_name, whatsapp_name, email, location, notes, username, bsuid) gin_trgm_ops);
