CREATE TABLE "rebuild_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text,
	"kind" text,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"last_tenant" text,
	"last_kind" text,
	"last_subject" text,
	"done" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	"archived" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "raw_pruned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "flow_executions" ADD COLUMN "raw_pruned_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "rebuild_runs_scope_idx" ON "rebuild_runs" USING btree ("tenant","kind","status");