-- The Agent filter leaves out agents who only let the offer ring out (RONA, end type
-- transferred:rona): they never handled the interaction. Records folded before this migration
-- that have such a leg are filled again from their other legs, as the worker writes them
-- (legSearchColumns); the rest are unchanged.
UPDATE "interactions" i SET
  "agents_search" = coalesce((SELECT string_agg(DISTINCT v.v COLLATE "C", E'\n' ORDER BY v.v COLLATE "C")
    FROM "segments" s CROSS JOIN LATERAL (VALUES (s."agent_id"), (s."agent_name")) AS v(v)
    WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND v.v IS NOT NULL
      AND s."end_type" IS DISTINCT FROM 'transferred:rona'), '')
  WHERE EXISTS (SELECT 1 FROM "segments" s WHERE s."tenant" = i."tenant" AND s."interaction_id" = i."id" AND s."end_type" = 'transferred:rona');
