ALTER TABLE "interactions" ADD COLUMN "queue_ids" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "agents_search" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Records folded before this migration: filled from their legs, as the worker writes them
-- (sorted, one per line; the worker sorts by UTF-16 code unit, "C" is the nearest collation).
UPDATE "interactions" i SET
  "queue_ids" = coalesce((SELECT string_agg(DISTINCT s."queue_id" COLLATE "C", E'\n' ORDER BY s."queue_id" COLLATE "C")
    FROM "segments" s WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND s."queue_id" IS NOT NULL), ''),
  "agents_search" = coalesce((SELECT string_agg(DISTINCT v.v COLLATE "C", E'\n' ORDER BY v.v COLLATE "C")
    FROM "segments" s CROSS JOIN LATERAL (VALUES (s."agent_id"), (s."agent_name")) AS v(v)
    WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND v.v IS NOT NULL), '');--> statement-breakpoint
CREATE INDEX "interactions_queue_ids_idx" ON "interactions" USING gin (string_to_array("queue_ids", E'\n'));
