CREATE TABLE "tenant_secrets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"kind" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"auth_modes" text[] DEFAULT '{"standard_webhooks","hub_signature","bearer_token"}' NOT NULL,
	"mask_card_data" boolean DEFAULT true NOT NULL,
	"rate_limit_per_second" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"raw_event_id" bigint NOT NULL,
	"tenant" text NOT NULL,
	"event_id" text NOT NULL,
	"kind" text NOT NULL,
	"event_type" text NOT NULL,
	"error" text NOT NULL,
	"error_code" text,
	"attempts" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "raw_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"event_id" text NOT NULL,
	"kind" text NOT NULL,
	"event_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL,
	"masked" boolean DEFAULT false NOT NULL,
	"mask_count" smallint DEFAULT 0 NOT NULL,
	"request_id" text,
	"folded_at" timestamp (3) with time zone,
	"dead_lettered_at" timestamp (3) with time zone,
	"fold_attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"tenant" text NOT NULL,
	"id" text NOT NULL,
	"channel" text,
	"direction" text NOT NULL,
	"origin" text,
	"destination" text,
	"customer_name" text,
	"script_selector" text,
	"status" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"created_inferred" boolean DEFAULT false NOT NULL,
	"first_queued_at" timestamp (3) with time zone,
	"first_routed_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"last_queue_id" text,
	"last_queue_name" text,
	"last_agent_id" text,
	"last_agent_name" text,
	"disposition_code" text,
	"disposition_name" text,
	"close_reason" text,
	"abandoned" boolean DEFAULT false NOT NULL,
	"transfer_count" integer DEFAULT 0 NOT NULL,
	"total_ms" bigint,
	"self_service_ms" bigint,
	"queue_ms" bigint DEFAULT 0 NOT NULL,
	"handle_ms" bigint DEFAULT 0 NOT NULL,
	"acw_ms" bigint,
	"ewt_first" double precision,
	"ewt_last" double precision,
	"call_variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ecc_variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"extension_variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"conversation_id" text,
	"chat_thread_id" text,
	"text_preview" text,
	"last_event_at" timestamp (3) with time zone NOT NULL,
	"event_count" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "interactions_tenant_id_pk" PRIMARY KEY("tenant","id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"tenant" text NOT NULL,
	"interaction_id" text NOT NULL,
	"number" integer NOT NULL,
	"type" text NOT NULL,
	"start_type" text NOT NULL,
	"end_type" text,
	"queue_id" text,
	"queue_name" text,
	"agent_id" text,
	"agent_name" text,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"duration_ms" bigint,
	"cancelled" boolean DEFAULT false NOT NULL,
	CONSTRAINT "segments_tenant_interaction_id_number_pk" PRIMARY KEY("tenant","interaction_id","number")
);
--> statement-breakpoint
CREATE TABLE "flow_executions" (
	"tenant" text NOT NULL,
	"id" text NOT NULL,
	"interaction_id" text,
	"flow_id" text,
	"flow_name" text,
	"flow_version_id" text,
	"version" text,
	"tag" text,
	"from" text,
	"to" text,
	"entry_point" text,
	"channel" text,
	"trigger" text,
	"started_at" timestamp (3) with time zone NOT NULL,
	"start_inferred" boolean DEFAULT false NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"duration_ms" bigint,
	"status" text NOT NULL,
	"end_reason" text,
	"last_step_name" text,
	"last_step_type" text,
	"current_step_name" text,
	"current_step_type" text,
	"current_step_node_id" text,
	"step_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"http_error_count" integer DEFAULT 0 NOT NULL,
	"variables_category" text,
	"variables_sub_category" text,
	"data" jsonb,
	"action_data" jsonb,
	"last_event_at" timestamp (3) with time zone NOT NULL,
	"event_count" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_executions_tenant_id_pk" PRIMARY KEY("tenant","id")
);
--> statement-breakpoint
CREATE TABLE "flow_steps" (
	"tenant" text NOT NULL,
	"execution_id" text NOT NULL,
	"seq" integer NOT NULL,
	"node_id" text,
	"type" text NOT NULL,
	"name" text,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"duration_ms" bigint,
	"result" text,
	"http_status" integer,
	"http_method" text,
	"url" text,
	"error_code" text,
	"error_message" text,
	"settings" jsonb,
	"values_before" jsonb,
	"values_after" jsonb,
	"raw" jsonb NOT NULL,
	CONSTRAINT "flow_steps_tenant_execution_id_seq_pk" PRIMARY KEY("tenant","execution_id","seq")
);
--> statement-breakpoint
ALTER TABLE "tenant_secrets" ADD CONSTRAINT "tenant_secrets_tenant_tenants_slug_fk" FOREIGN KEY ("tenant") REFERENCES "public"."tenants"("slug") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tenant_secrets_tenant_idx" ON "tenant_secrets" USING btree ("tenant","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_raw_event_uq" ON "dead_letters" USING btree ("raw_event_id");--> statement-breakpoint
CREATE INDEX "dead_letters_tenant_idx" ON "dead_letters" USING btree ("tenant","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "raw_events_tenant_event_id_uq" ON "raw_events" USING btree ("tenant","event_id");--> statement-breakpoint
CREATE INDEX "raw_events_subject_idx" ON "raw_events" USING btree ("tenant","kind","subject_id");--> statement-breakpoint
CREATE INDEX "raw_events_unfolded_idx" ON "raw_events" USING btree ("received_at") WHERE folded_at is null and dead_lettered_at is null;--> statement-breakpoint
CREATE INDEX "raw_events_received_idx" ON "raw_events" USING btree ("tenant","received_at");--> statement-breakpoint
CREATE INDEX "interactions_created_idx" ON "interactions" USING btree ("tenant","created_at","id");--> statement-breakpoint
CREATE INDEX "interactions_status_idx" ON "interactions" USING btree ("tenant","status","created_at");--> statement-breakpoint
CREATE INDEX "interactions_queue_idx" ON "interactions" USING btree ("tenant","last_queue_id","created_at");--> statement-breakpoint
CREATE INDEX "interactions_agent_idx" ON "interactions" USING btree ("tenant","last_agent_id","created_at");--> statement-breakpoint
CREATE INDEX "interactions_channel_idx" ON "interactions" USING btree ("tenant","channel","created_at");--> statement-breakpoint
CREATE INDEX "interactions_destination_idx" ON "interactions" USING btree ("tenant","destination","created_at");--> statement-breakpoint
CREATE INDEX "interactions_origin_idx" ON "interactions" USING btree ("tenant","origin","created_at");--> statement-breakpoint
CREATE INDEX "interactions_disposition_idx" ON "interactions" USING btree ("tenant","disposition_code","created_at");--> statement-breakpoint
CREATE INDEX "interactions_thread_idx" ON "interactions" USING btree ("tenant","chat_thread_id");--> statement-breakpoint
CREATE INDEX "segments_queue_idx" ON "segments" USING btree ("tenant","queue_id","started_at");--> statement-breakpoint
CREATE INDEX "segments_agent_idx" ON "segments" USING btree ("tenant","agent_id","started_at");--> statement-breakpoint
CREATE INDEX "flow_executions_started_idx" ON "flow_executions" USING btree ("tenant","started_at","id");--> statement-breakpoint
CREATE INDEX "flow_executions_interaction_idx" ON "flow_executions" USING btree ("tenant","interaction_id");--> statement-breakpoint
CREATE INDEX "flow_executions_flow_name_idx" ON "flow_executions" USING btree ("tenant","flow_name","started_at");--> statement-breakpoint
CREATE INDEX "flow_executions_entry_point_idx" ON "flow_executions" USING btree ("tenant","entry_point","started_at");--> statement-breakpoint
CREATE INDEX "flow_executions_from_idx" ON "flow_executions" USING btree ("tenant","from","started_at");--> statement-breakpoint
CREATE INDEX "flow_executions_to_idx" ON "flow_executions" USING btree ("tenant","to","started_at");--> statement-breakpoint
CREATE INDEX "flow_executions_active_idx" ON "flow_executions" USING btree ("tenant","started_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "flow_steps_name_idx" ON "flow_steps" USING btree ("tenant","name");