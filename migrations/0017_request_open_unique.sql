-- At most one open data-subject request per aspirant and right. Existing duplicates (her WhatsApp words opened one per
-- message) are merged first: per (aspirant_id, right) the one in progress, else the first received, stays open (the
-- legal term runs from the first receipt); every other open one is closed as done, its resolution naming the one kept,
-- and audited `data_request.merged` (actor `migration`). She is sent nothing: the kept request answers her.
WITH ranked AS (
	SELECT "id", first_value("id") OVER w AS "kept", row_number() OVER w AS "n"
	FROM "data_subject_requests"
	WHERE "status" IN ('received', 'in_progress') AND "aspirant_id" IS NOT NULL
	WINDOW w AS (PARTITION BY "aspirant_id", "right" ORDER BY ("status" = 'in_progress') DESC, "received_at", "id")
), merged AS (
	UPDATE "data_subject_requests" AS r
	SET "status" = 'done', "resolution" = 'Merged into request #' || ranked."kept" || ' (the same right was already open).', "resolved_at" = now(), "updated_at" = now()
	FROM ranked
	WHERE r."id" = ranked."id" AND ranked."n" > 1
	RETURNING r."id", r."right", ranked."kept"
)
INSERT INTO "audit_log" ("actor", "action", "target_type", "target_id", "details")
SELECT 'migration', 'data_request.merged', 'data_request', merged."id"::text, jsonb_build_object('right', merged."right", 'into', merged."kept") FROM merged;
--> statement-breakpoint
CREATE UNIQUE INDEX "data_subject_requests_open_right_key" ON "data_subject_requests" USING btree ("aspirant_id","right") WHERE status in ('received', 'in_progress');
