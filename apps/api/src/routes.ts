import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Db } from '@cxfold/db';
import { sendProblem } from '@cxfold/receiver';
import {
  interactionListQuery,
  flowListQuery,
  exportParams,
  listInteractions,
  interactionDetail,
  history,
  listFlowExecutions,
  getFlowExecution,
  listWorkflowSessions,
  filterOptions,
  listSavedSearches,
  createSavedSearch,
  renameSavedSearch,
  deleteSavedSearch,
  FILTER_FIELDS,
  SAVED_LISTS,
  statsQuery,
  failingStepsQuery,
  interactionsPerHour,
  queueTimeDistribution,
  abandonRate,
  failingSteps,
  type FilterField,
} from '@cxfold/query';
import { apiKeyAuth, callerOf } from './auth';
import { nulErrors, parseQuery, ParamError, refuseNulPathParam, zodParamErrors } from './validate';
import { exportInteractions, exportFlowExecutions } from './exports';
import type { RouteSpec } from './openapi';

const notFound = (res: Response) => sendProblem(res, { status: 404, title: 'Not found' });

export const detailQuery = z.object({ include: z.enum(['events']).optional() }).strict();
export const stepQuery = z.object({ stepName: z.string().max(200).optional() }).strict();
export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();
export const sessionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();
export const savedListQuery = z.object({ list: z.enum(SAVED_LISTS).optional() }).strict();
/** A saved list query: parameter → value or values, as the list's own query string holds them (no nesting). */
const savedQueryValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const savedQuery = z.record(z.string().min(1).max(100), z.union([savedQueryValue, z.array(savedQueryValue).max(500)]));
export const savedCreateBody = z.object({ list: z.enum(SAVED_LISTS), name: z.string().min(1).max(200), query: savedQuery }).strict();
/** Routes that take no query parameters: an unknown one is refused, as everywhere. */
export const noQuery = z.object({}).strict();
export const savedRenameBody = z.object({ name: z.string().min(1).max(200) }).strict();
const interactionExportQuery = interactionListQuery.omit({ cursor: true, limit: true }).extend(exportParams);
const flowExportQuery = flowListQuery.omit({ cursor: true, limit: true }).extend(exportParams);

/** Every route, described once: the router below and the OpenAPI document both read it. */
export const ROUTES: RouteSpec[] = [
  { method: 'get', path: '/v1/interactions', summary: 'CC Interactions list (seed 001): filters, sort, cursor pagination, total', query: interactionListQuery },
  { method: 'get', path: '/v1/interactions/export', summary: 'Export the CC Interactions list (csv ≤ 10,000 rows, xlsx ≤ 10,000, pdf ≤ 1,000; 422 over the cap unless truncate=true)', query: interactionExportQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf'] },
  { method: 'get', path: '/v1/interactions/{id}', summary: 'One interaction in the CxEngage shape (seed 004); include=events adds raw events in fold order', query: detailQuery, params: ['id'] },
  { method: 'get', path: '/v1/contacts/{address}/history', summary: "A client's interactions (the C badge)", query: historyQuery, params: ['address'] },
  { method: 'get', path: '/v1/agents/{id}/history', summary: "An agent's interactions (the A badge)", query: historyQuery, params: ['id'] },
  { method: 'get', path: '/v1/flow-executions', summary: 'Flow Interactions list (seed 000); date range required (default today)', query: flowListQuery },
  { method: 'get', path: '/v1/flow-executions/export', summary: 'Export the Flow Interactions list', query: flowExportQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf'] },
  { method: 'get', path: '/v1/flow-executions/{id}', summary: 'One flow execution: header, details, steps (stepName search), raw events', query: stepQuery, params: ['id'] },
  { method: 'get', path: '/v1/workflow-sessions', summary: 'Active executions with time in workflow (seed 003)', query: sessionsQuery },
  { method: 'get', path: '/v1/filter-options/{field}', summary: `Distinct values for a multi-select: ${FILTER_FIELDS.join(', ')}`, params: ['field'], query: noQuery },
  { method: 'get', path: '/v1/saved-searches', summary: "The caller's saved searches", query: savedListQuery },
  { method: 'post', path: '/v1/saved-searches', summary: 'Save a search', body: savedCreateBody, query: noQuery },
  { method: 'patch', path: '/v1/saved-searches/{id}', summary: 'Rename a saved search', body: savedRenameBody, params: ['id'], query: noQuery },
  { method: 'delete', path: '/v1/saved-searches/{id}', summary: 'Delete a saved search', params: ['id'], query: noQuery },
  { method: 'get', path: '/v1/me', summary: "The caller: tenant, role, operator (may open the queue board), queues (a supervisor's assigned queues with names; empty for admins) and the tenant time zone", query: noQuery },
  { method: 'get', path: '/v1/stats/interactions-per-hour', summary: 'Interactions created per local hour (tenant zone) and channel', query: statsQuery },
  { method: 'get', path: '/v1/stats/queue-time', summary: 'Queue time distribution of queued interactions that left the queue: buckets (seconds), p50, p90; `waiting` counts those still in queue', query: statsQuery },
  { method: 'get', path: '/v1/stats/abandon-rate', summary: 'Abandoned ÷ queued interactions, overall and per queue (every queue an interaction entered)', query: statsQuery },
  { method: 'get', path: '/v1/stats/failing-steps', summary: 'Flow steps that failed most often (error, or HTTP status ≥ 400), with their run counts', query: failingStepsQuery },
];

function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const nul = nulErrors(req.body, 'body');
  if (nul.length) throw new ParamError(nul);
  const r = schema.safeParse(req.body);
  if (!r.success) throw new ParamError(zodParamErrors(r.error.issues, 'body'));
  return r.data;
}

function savedId(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new ParamError([{ param: 'id', message: 'must be a positive integer' }]);
  return id;
}

/** The analyst API: read-only over the folded tables, except saved searches. */
export function apiRoutes(db: Db): Router {
  const r = express.Router();
  r.use('/v1', (req, res, next) => (req.path.startsWith('/hooks/') || req.path.startsWith('/schemas') ? next('router') : next()));
  r.use('/v1', apiKeyAuth(db));
  r.use('/v1/saved-searches', express.json({ limit: '32kb' }));
  for (const name of ['id', 'address', 'field']) r.param(name, refuseNulPathParam);

  r.get('/v1/interactions', async (req, res) => {
    res.json(await listInteractions(db, callerOf(res), parseQuery(interactionListQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/interactions/export', async (req, res) => {
    await exportInteractions(db, callerOf(res), parseQuery(interactionExportQuery, req), res);
  });
  r.get('/v1/interactions/:id', async (req, res) => {
    const q = parseQuery(detailQuery, req);
    const detail = await interactionDetail(db, callerOf(res), String(req.params.id), q.include === 'events');
    if (!detail) return notFound(res);
    res.json(detail);
  });
  r.get('/v1/contacts/:address/history', async (req, res) => {
    const q = parseQuery(historyQuery, req);
    res.json({ items: await history(db, callerOf(res), { contact: String(req.params.address) }, q.limit) });
  });
  r.get('/v1/agents/:id/history', async (req, res) => {
    const q = parseQuery(historyQuery, req);
    res.json({ items: await history(db, callerOf(res), { agent: String(req.params.id) }, q.limit) });
  });
  r.get('/v1/flow-executions', async (req, res) => {
    res.json(await listFlowExecutions(db, callerOf(res), parseQuery(flowListQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/flow-executions/export', async (req, res) => {
    await exportFlowExecutions(db, callerOf(res), parseQuery(flowExportQuery, req), res);
  });
  r.get('/v1/flow-executions/:id', async (req, res) => {
    const q = parseQuery(stepQuery, req);
    const x = await getFlowExecution(db, callerOf(res), String(req.params.id), q.stepName);
    if (!x) return notFound(res);
    res.json(x);
  });
  r.get('/v1/workflow-sessions', async (req, res) => {
    const q = parseQuery(sessionsQuery, req);
    res.json(await listWorkflowSessions(db, callerOf(res), q.limit));
  });
  r.get('/v1/filter-options/:field', async (req, res) => {
    parseQuery(noQuery, req);
    const field = String(req.params.field);
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) throw new ParamError([{ param: 'field', message: `must be one of ${FILTER_FIELDS.join(', ')}` }]);
    res.json({ field, options: await filterOptions(db, callerOf(res), field as FilterField) });
  });
  r.get('/v1/me', async (req, res) => {
    parseQuery(noQuery, req);
    const who = callerOf(res);
    // Queue names come from the same scoped lookup as the queue multi-select.
    const queues = who.role === 'admin' ? [] : await filterOptions(db, who, 'queues');
    const named = new Map(queues.map((q) => [q.value, q.label]));
    res.json({ tenant: who.tenant, role: who.role, operator: who.operator, timeZone: who.timeZone, queues: who.queues.map((id) => ({ id, name: named.get(id) ?? id })) });
  });
  r.get('/v1/stats/interactions-per-hour', async (req, res) => {
    res.json(await interactionsPerHour(db, callerOf(res), parseQuery(statsQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/stats/queue-time', async (req, res) => {
    res.json(await queueTimeDistribution(db, callerOf(res), parseQuery(statsQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/stats/abandon-rate', async (req, res) => {
    res.json(await abandonRate(db, callerOf(res), parseQuery(statsQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/stats/failing-steps', async (req, res) => {
    res.json(await failingSteps(db, callerOf(res), parseQuery(failingStepsQuery, req), callerOf(res).timeZone));
  });
  r.get('/v1/saved-searches', async (req, res) => {
    const q = parseQuery(savedListQuery, req);
    res.json({ items: await listSavedSearches(db, callerOf(res), q.list) });
  });
  r.post('/v1/saved-searches', async (req, res) => {
    parseQuery(noQuery, req);
    res.status(201).json(await createSavedSearch(db, callerOf(res), parseBody(savedCreateBody, req)));
  });
  r.patch('/v1/saved-searches/:id', async (req, res) => {
    parseQuery(noQuery, req);
    const s = await renameSavedSearch(db, callerOf(res), savedId(req), parseBody(savedRenameBody, req).name);
    if (!s) return notFound(res);
    res.json(s);
  });
  r.delete('/v1/saved-searches/:id', async (req, res) => {
    parseQuery(noQuery, req);
    if (!(await deleteSavedSearch(db, callerOf(res), savedId(req)))) return notFound(res);
    res.status(204).end();
  });
  return r;
}
