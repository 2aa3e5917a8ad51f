ALTER TABLE "aspirants" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "bsuid" text;--> statement-breakpoint
ALTER TABLE "aspirants" ADD COLUMN "username" text;--> statement-breakpoint
-- Every aspirant so far was keyed by her number (E.164): it becomes her phone too. Filled before the index is built.
UPDATE "aspirants" SET "phone" = "whatsapp_id" WHERE "whatsapp_id" ~ '^\+[1-9][0-9]{7,14}$';--> statement-breakpoint
CREATE UNIQUE INDEX "aspirants_phone_key" ON "aspirants" USING btree ("phone") WHERE "aspirants"."phone" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "aspirants_bsuid_key" ON "aspirants" USING btree ("bsuid") WHERE "aspirants"."bsuid" is not null;
