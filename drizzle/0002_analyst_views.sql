-- Substring search on agent names and ids ("agent contains …") served by trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "interactions_agent_name_trgm_idx" ON "interactions" USING gin ("last_agent_name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "interactions_agent_id_trgm_idx" ON "interactions" USING gin ("last_agent_id" gin_trgm_ops);
--> statement-breakpoint
-- Stable views for BI tools (docs/sql.md). Columns are a contract: add, never rename.
CREATE OR REPLACE VIEW "v_interactions" AS
SELECT tenant, id AS interaction_id, channel, direction, status,
       origin AS customer_address, destination AS did, customer_name,
       coalesce(customer_name, origin, destination) AS client,
       script_selector, created_at, first_queued_at, first_routed_at, closed_at,
       last_queue_id AS queue_id, last_queue_name AS queue_name,
       last_agent_id AS agent_id, last_agent_name AS agent_name,
       disposition_code, disposition_name, close_reason, abandoned, transfer_count,
       total_ms / 1000.0 AS total_seconds, self_service_ms / 1000.0 AS self_service_seconds,
       queue_ms / 1000.0 AS queue_seconds, handle_ms / 1000.0 AS handle_seconds, acw_ms / 1000.0 AS acw_seconds,
       ewt_first, ewt_last, call_variables, ecc_variables, extension_variables,
       conversation_id, chat_thread_id, text_preview, event_count, last_event_at
FROM interactions;
--> statement-breakpoint
CREATE OR REPLACE VIEW "v_segments" AS
SELECT tenant, interaction_id, number AS segment_number, type AS segment_type, start_type, end_type,
       queue_id, queue_name, agent_id, agent_name, started_at, ended_at,
       duration_ms / 1000.0 AS duration_seconds, cancelled
FROM segments;
--> statement-breakpoint
CREATE OR REPLACE VIEW "v_flow_executions" AS
SELECT tenant, id AS execution_id, interaction_id, flow_id, flow_name, flow_version_id, version, tag,
       "from" AS from_address, "to" AS to_address, entry_point, channel, trigger,
       started_at, start_inferred, ended_at, duration_ms / 1000.0 AS duration_seconds, status, end_reason,
       last_step_name, last_step_type, current_step_name, current_step_type,
       step_count, error_count, http_error_count, variables_category, variables_sub_category, data, action_data
FROM flow_executions;
--> statement-breakpoint
CREATE OR REPLACE VIEW "v_flow_steps" AS
SELECT tenant, execution_id, seq, node_id, type AS step_type, name AS step_name, started_at, ended_at,
       duration_ms, result, http_status, http_method, url, error_code, error_message,
       settings, values_before, values_after
FROM flow_steps;
