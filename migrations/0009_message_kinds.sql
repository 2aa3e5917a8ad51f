CREATE TYPE "public"."message_kind" AS ENUM('text', 'image', 'sticker', 'audio', 'video', 'document', 'location', 'contacts', 'reaction', 'interactive', 'system', 'unsupported');--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "kind" "message_kind" DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "content" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "refers_to_sid" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "referral" jsonb;--> statement-breakpoint
-- Backfill (hand-written, appended before this migration landed): an aspirant's message stored before kinds gets
-- the kind and fields actors/conversation/inbound-message `inboundParts` gives the same message's event: its location
-- or quick-reply button from `extra` (the button's title as its text when it had none), the replied-to sid as what it
-- refers to, else the kind of its first file by declared type as `contentFromMedia` reads it (a contact card is
-- text/vcard, an audio/ogg file a voice note). `extra` is left as it was. Our side's messages stay `text`.
UPDATE messages SET kind = 'location', content = extra -> 'location'
WHERE sender = 'aspirant' AND jsonb_typeof(extra -> 'location') = 'object';--> statement-breakpoint
UPDATE messages SET kind = 'interactive',
  content = jsonb_strip_nulls(jsonb_build_object('reply', 'button', 'payload', extra -> 'button' -> 'payload')),
  body = CASE WHEN body = '' THEN coalesce(extra -> 'button' ->> 'text', '') ELSE body END
WHERE sender = 'aspirant' AND kind = 'text' AND jsonb_typeof(extra -> 'button') = 'object';--> statement-breakpoint
UPDATE messages SET refers_to_sid = extra ->> 'repliedToSid'
WHERE sender = 'aspirant' AND jsonb_typeof(extra -> 'repliedToSid') = 'string';--> statement-breakpoint
UPDATE messages m SET
  kind = CASE
    WHEN f.type IN ('text/vcard', 'text/x-vcard') THEN 'contacts'
    WHEN f.type LIKE 'image/%' THEN 'image'
    WHEN f.type LIKE 'video/%' THEN 'video'
    WHEN f.type LIKE 'audio/%' THEN 'audio'
    ELSE 'document'
  END::message_kind,
  content = CASE WHEN f.type LIKE 'audio/%' THEN jsonb_build_object('voice', f.declared ~* '^audio/ogg\M') END
FROM (
  SELECT DISTINCT ON (message_id) message_id, btrim(coalesce(content_type, '')) AS declared,
    lower(btrim(split_part(coalesce(content_type, ''), ';', 1))) AS type
  FROM media ORDER BY message_id, id
) f
WHERE m.id = f.message_id AND m.sender = 'aspirant' AND m.kind = 'text';
