ALTER TABLE "interactions" ADD COLUMN "agents_search" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "interaction_created_at" timestamp (3) with time zone;--> statement-breakpoint
-- Records folded before this migration: filled from their legs, as the worker writes them
-- (sorted, one per line; the worker sorts by UTF-16 code unit, "C" is the nearest collation).
-- About a minute per million interactions (docs/operations.md, upgrade notes).
UPDATE "interactions" i SET
  "agents_search" = coalesce((SELECT string_agg(DISTINCT v.v COLLATE "C", E'\n' ORDER BY v.v COLLATE "C")
    FROM "segments" s CROSS JOIN LATERAL (VALUES (s."agent_id"), (s."agent_name")) AS v(v)
    WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND v.v IS NOT NULL), '')
  WHERE EXISTS (SELECT 1 FROM "segments" s WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND s."agent_id" IS NOT NULL);--> statement-breakpoint
UPDATE "segments" s SET "interaction_created_at" = i."created_at"
  FROM "interactions" i WHERE i."tenant" = s."tenant" AND i."id" = s."interaction_id";--> statement-breakpoint
CREATE INDEX "segments_queue_created_idx" ON "segments" USING btree ("tenant","queue_id","interaction_created_at");--> statement-breakpoint
-- The Agent filter searches every leg's agents now: its trigram index moves to the new column.
CREATE INDEX IF NOT EXISTS "interactions_agents_search_trgm_idx" ON "interactions" USING gin ("agents_search" gin_trgm_ops);--> statement-breakpoint
DROP INDEX IF EXISTS "interactions_agent_name_trgm_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "interactions_agent_id_trgm_idx";
