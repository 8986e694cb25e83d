-- The views' seconds rounded to the millisecond they are measured in (numeric division printed
-- 1425.6220000000000000), and two columns the tables had but the views did not: whether a
-- record's start was inferred, and the node id of the step a running execution is on (seed 003's
-- "Current Workflow Item Id"). Same names and types, new columns last: BI queries keep working.
CREATE OR REPLACE VIEW "v_interactions" AS
SELECT tenant, id AS interaction_id, channel, direction, status,
       origin AS customer_address, destination AS did, customer_name,
       coalesce(customer_name, origin, destination) AS client,
       script_selector, created_at, first_queued_at, first_routed_at, closed_at,
       last_queue_id AS queue_id, last_queue_name AS queue_name,
       last_agent_id AS agent_id, last_agent_name AS agent_name,
       disposition_code, disposition_name, close_reason, abandoned, transfer_count,
       round(total_ms / 1000.0, 3) AS total_seconds, round(self_service_ms / 1000.0, 3) AS self_service_seconds,
       round(queue_ms / 1000.0, 3) AS queue_seconds, round(handle_ms / 1000.0, 3) AS handle_seconds, round(acw_ms / 1000.0, 3) AS acw_seconds,
       ewt_first, ewt_last, call_variables, ecc_variables, extension_variables,
       conversation_id, chat_thread_id, text_preview, event_count, last_event_at,
       created_inferred
FROM interactions;
--> statement-breakpoint
CREATE OR REPLACE VIEW "v_segments" AS
SELECT tenant, interaction_id, number AS segment_number, type AS segment_type, start_type, end_type,
       queue_id, queue_name, agent_id, agent_name, started_at, ended_at,
       round(duration_ms / 1000.0, 3) AS duration_seconds, cancelled
FROM segments;
--> statement-breakpoint
CREATE OR REPLACE VIEW "v_flow_executions" AS
SELECT tenant, id AS execution_id, interaction_id, flow_id, flow_name, flow_version_id, version, tag,
       "from" AS from_address, "to" AS to_address, entry_point, channel, trigger,
       started_at, start_inferred, ended_at, round(duration_ms / 1000.0, 3) AS duration_seconds, status, end_reason,
       last_step_name, last_step_type, current_step_name, current_step_type,
       step_count, error_count, http_error_count, variables_category, variables_sub_category, data, action_data,
       current_step_node_id
FROM flow_executions;
