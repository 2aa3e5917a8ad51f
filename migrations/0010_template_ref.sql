-- Templates are named by the provider behind the port: Twilio's Content SID (HX…) or Meta's name:language.
ALTER TABLE "outbox" RENAME COLUMN "content_sid" TO "template_ref";--> statement-breakpoint
ALTER TABLE "outbox" RENAME COLUMN "content_variables" TO "template_variables";--> statement-breakpoint
ALTER TABLE "messages" RENAME COLUMN "template_sid" TO "template_ref";
