/**
 * npm run bench:console [-- --interactions 5000 --samples 5]
 *
 * How fast the console shows the demo's data: the demo's synthetic day (same generator, same
 * signed deliveries through the receiver, folded by the worker) on a throw-away database,
 * then Debian's Chromium opens each screen in a fresh tab, signed in, and we time from the
 * navigation to the first data on screen. Prints one JSON line (medians in ms). Nothing here
 * asserts a time: this is a measurement, to be read and written down (docs/console.md).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { parseArgs } from 'node:util';
import { createApiKey, migrate, PROJECTION_TABLES, vacuumAnalyzeProjections, type Sql } from '@cxfold/db';
import { generateSyntheticDay } from '@cxfold/demo';
import { createTestEnv, eventually, sendSigned, startPipeline, storeAndFold } from '@cxfold/testkit';
import os from 'node:os';
// testkit's setup and teardown (migrated template database) are plain functions; jest names these files too.
import globalSetup from '../packages/testkit/src/global-setup';
import globalTeardown from '../packages/testkit/src/global-teardown';
import type { BrowserContext, Page } from 'playwright-core';
import express from 'express';
import { apiRouter } from '@cxfold/api';
import { launch } from '../apps/console/e2e/browser';
import { summarizeTrace, TRACE_CATEGORIES } from '../apps/console/e2e/trace';
import { writeFileSync } from 'node:fs';

const ROOT = path.resolve(__dirname, '..');

const SCREENS = [
  // Every card drawn (each card is busy until its own data arrives).
  { name: 'overview', hash: '#/?range=last7days', ready: '.cards:not(:has(.card[aria-busy="true"])) [data-testid="abandon-rate"]' },
  { name: 'flow-interactions', hash: '#/flows?range=last7days', ready: 'table.grid tbody tr' },
  { name: 'cc-interactions', hash: '#/interactions?range=last7days', ready: 'table.grid tbody tr' },
  { name: 'workflow-sessions', hash: '#/sessions', ready: 'table.grid tbody tr, p.empty' },
];

/**
 * VACUUM ANALYZE of the projection tables, as autovacuum would do in production (it is off on this
 * machine: /etc/postgresql/15/main/conf.d/90-ci.conf). A kept day that has statistics and a
 * visibility map already (copied with it) is left alone.
 */
async function vacuumProjections(sql: Sql, onlyIfNeeded: boolean): Promise<void> {
  if (onlyIfNeeded) {
    const [row] = await sql<{ missing: number }[]>`
      select count(*)::int as missing from pg_class c
      where c.relname in ${sql(PROJECTION_TABLES)} and c.relnamespace = current_schema()::regnamespace
        and (c.relallvisible < c.relpages or not exists (select 1 from pg_stats s where s.schemaname = current_schema() and s.tablename = c.relname))`;
    if (row?.missing === 0) {
      process.stderr.write('projection tables already vacuumed and analyzed\n');
      return;
    }
  }
  process.stderr.write(`vacuum analyze of the projection tables in ${(await vacuumAnalyzeProjections(sql)).toFixed(1)} s\n`);
}

/**
 * Watches for the page's `cxfold:data` mark through a CDP binding: the page calls it from a
 * PerformanceObserver when the mark is set, so nothing polls the page or is injected into it
 * while it loads. `next()` resolves at the next mark (one per document).
 */
const MARK_WATCH = `new PerformanceObserver((list) => { if (list.getEntriesByName('cxfold:data').length) globalThis.__cxfoldBenchMarked?.(''); }).observe({ type: 'mark' });`;

async function watchMark(ctx: BrowserContext, page: Page, cpuThrottle: number): Promise<{ next: () => Promise<void> }> {
  const cdp = await ctx.newCDPSession(page);
  // A slower machine, emulated: the page's main thread runs `cpuThrottle` times slower (DevTools' CPU throttling).
  if (cpuThrottle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle });
  let waiting: (() => void) | null = null;
  cdp.on('Runtime.bindingCalled', (e) => {
    if (e.name === '__cxfoldBenchMarked') waiting?.();
  });
  // Playwright has Runtime enabled on its own session already; this one needs it for the event.
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__cxfoldBenchMarked' });
  return {
    next: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no cxfold:data mark within 30 s')), 30_000);
        waiting = () => {
          clearTimeout(timer);
          waiting = null;
          resolve();
        };
      }),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** The floor: a page with one small external script that asks for one small JSON, draws one row and marks. */
const FLOOR_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title><script type="module" src="/floor.js"></script></head><body><main></main></body></html>';
const FLOOR_JS = `fetch('/floor.json').then((r) => r.json()).then((rows) => {
  const t = document.createElement('table'); t.className = 'grid'; const b = t.createTBody();
  for (const row of rows) b.insertRow().insertCell().textContent = row.id;
  document.querySelector('main').append(t);
  // After the frame is painted, as the console's mark (a React effect) is.
  requestAnimationFrame(() => setTimeout(() => performance.mark('cxfold:data')));
});`;

async function startFloor(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const [type, body] =
      req.url === '/floor.js' ? ['text/javascript', FLOOR_JS] : req.url === '/floor.json' ? ['application/json', JSON.stringify([{ id: 'a' }, { id: 'b' }])] : ['text/html; charset=utf-8', FLOOR_HTML];
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function main() {
  const { values } = parseArgs({
    options: {
      interactions: { type: 'string', default: '5000' },
      samples: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      // Same events, stored and folded in-process instead of sent over HTTP: minutes faster, same records.
      direct: { type: 'boolean', default: false },
      'keep-db': { type: 'string' },
      'from-db': { type: 'string' },
      // Instead of timing: each load traced (Chromium trace with the CPU profiler), a summary of
      // the main thread's time per screen printed, the traces written to /tmp (open in DevTools).
      trace: { type: 'boolean', default: false },
      // Only these screens (comma-separated names, e.g. cc-interactions,overview) / modes (reload,sign-in).
      screens: { type: 'string' },
      modes: { type: 'string', default: 'reload,sign-in' },
      // name=dir,name=dir: console builds to compare, samples alternating (dir: a vite build's output).
      variants: { type: 'string' },
      // The page's main thread this many times slower (Chromium's CPU throttling): a slower machine.
      'cpu-throttle': { type: 'string', default: '1' },
      // This many processes spinning on the CPU while the pages load: a machine busy with other work.
      busy: { type: 'string', default: '0' },
    },
  });
  const cpuThrottle = Number(values['cpu-throttle']);
  const variantServers: Server[] = [];
  const onlyScreens = values.screens ? new Set(values.screens.split(',')) : null;
  const modes = values.modes.split(',') as ('reload' | 'sign-in')[];
  const interactions = Number(values.interactions);
  const samples = Number(values.samples);
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-console.mjs')], { stdio: 'inherit' });
  await globalSetup();
  const fromDb = values['from-db'];
  // A kept day is cloned like the template (it already holds the tenant 'demo', so the pipeline gets a tenant of its own).
  const template = process.env.CXFOLD_TEST_TEMPLATE;
  if (fromDb) process.env.CXFOLD_TEST_TEMPLATE = fromDb;
  const env = await createTestEnv();
  // The teardown drops the template: the run's own, never the kept day.
  process.env.CXFOLD_TEST_TEMPLATE = template;
  if (fromDb) await migrate(env.databaseUrl);
  const p = await startPipeline(env, { withApi: true, tenantSlug: fromDb ? `bench${randomUUID().slice(0, 8)}` : 'demo', overrides: { LOG_LEVEL: 'warn', PG_POOL_SIZE: '8' } });
  const floor = await startFloor();
  try {
    // The demo's day: from 05:00 UTC yesterday (New York midnight in winter). Screens ask for
    // the last 7 days, which holds it whatever the hour in New York.
    const now = new Date();
    const dayStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, 5);
    const day = generateSyntheticDay({ seed: 42, interactions, dayStartMs, tenantTimeZoneOffsetMinutes: -300 });
    if (fromDb) process.stderr.write(`using the day kept in ${fromDb}\n`);
    else process.stderr.write(`${values.direct ? 'storing' : 'sending'} ${day.deliveries.length} deliveries (${day.expected.interactions} interactions, ${day.expected.flowExecutions} flow executions)\n`);
    if (fromDb) {
      // seeded already
    } else if (values.direct) {
      const seen = new Set<string>();
      const events = day.deliveries.flatMap((d) =>
        (Array.isArray(d.body) ? d.body : [d.body]).map((raw) => {
          const body = { ...(raw as Record<string, unknown>) };
          // Path-typed task deliveries (tasks/created…) carry their type in the path.
          if (d.kind === 'task' && !body.eventType) body.eventType = d.path.split('/')[1]!.toUpperCase();
          return { kind: d.kind, eventId: String(body.eventId), body };
        }),
      );
      await storeAndFold(env, 'demo', events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId)));
    } else {
      let next = 0;
      await Promise.all(
        Array.from({ length: Number(values.concurrency) }, async () => {
          while (next < day.deliveries.length) {
            const d = day.deliveries[next++]!;
            await sendSigned(p.baseUrl, p.tenant, d.path, d.body, 'token');
          }
        }),
      );
    }
    await eventually(async () => {
      const [row] = await env.db.sql<{ pending: number }[]>`select count(*)::int as pending from raw_events where folded_at is null and dead_lettered_at is null`;
      return row?.pending === 0;
    }, 600_000, 500);
    await vacuumProjections(env.db.sql, Boolean(fromDb));
    const key = (await createApiKey(env.db.db, 'demo', 'admin', [])).key;

    const browser = await launch();
    // Other work on the machine, made on purpose: N processes that only spin (killed after the loads).
    const spinners = Array.from({ length: Number(values.busy) }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    process.on('exit', () => spinners.forEach((c) => c.kill()));
    if (spinners.length) await new Promise((r) => setTimeout(r, 5_000));
    const loadAverageAtStart = loadAverage();
    const traces: Record<string, unknown[]> = {};
    const results: Record<string, { dataShownMs: number; warmReloadMs?: number; warmSamples?: number[]; rowsVisibleMs: number; domContentLoadedMs: number; samples: number[]; apiMs: Record<string, number>; waterfall: [string, number, number][] }> = {};
    try {
      // 'reload': a signed-in tab reloaded (key and profile in sessionStorage, as the console keeps
      // them); 'sign-in': the key alone, so /v1/me is asked first (right after signing in).
      const me = await (await fetch(`${p.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).json();
      // Each variant is a console build served by an API router of its own in this same process
      // (same database client, same CPU): samples alternate between them (A B, B A, …), so every
      // variant sees the same load. Without --variants, the pipeline's own API serves apps/console/dist.
      const variantUrls: { name: string; url: string }[] = [];
      for (const spec of values.variants?.split(',') ?? []) {
        const [name, dir] = spec.split('=') as [string, string];
        const server = createServer(express().disable('x-powered-by').use(apiRouter(env.db.db, { consoleDir: path.resolve(ROOT, dir) })));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        variantServers.push(server);
        variantUrls.push({ name, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      }
      if (variantUrls.length === 0) variantUrls.push({ name: '', url: p.baseUrl });
      const targets = [
        { mode: 'floor', screen: { name: 'page', hash: '', ready: 'table.grid tbody tr' }, urls: [{ name: '', url: floor.url }] },
        ...modes.flatMap((mode) =>
          SCREENS.filter((s) => !onlyScreens || onlyScreens.has(s.name)).map((screen) => ({ mode, screen, urls: variantUrls.map((v) => ({ name: v.name, url: `${v.url}/${screen.hash}` })) })),
        ),
      ];
      for (const { mode, screen, urls } of targets) {
        const acc = urls.map(() => ({ times: [] as number[], dcl: [] as number[], dataShown: [] as number[], warmShown: [] as number[], apiMs: {} as Record<string, number>, waterfall: [] as [string, number, number][] }));
        // One warm-up (the browser's first tab pays for its own start), then fresh contexts: no cache, no session.
        for (let i = 0; i <= samples; i++) {
          for (const k of i % 2 ? [...urls.keys()].reverse() : urls.keys()) {
            const { name: variant, url } = urls[k]!;
            const a = acc[k]!;
            const label = `${mode}:${screen.name}${variant ? `:${variant}` : ''}`;
            const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
            await ctx.addInitScript(
              `sessionStorage.setItem('cxfold.apiKey', ${JSON.stringify(key)});${mode === 'reload' ? `sessionStorage.setItem('cxfold.me', ${JSON.stringify(JSON.stringify(me))});` : ''}`,
            );
            // Told when the page marks `cxfold:data`, without touching the page before: a locator or
            // waitForFunction would inject Playwright's script and poll on every frame, on the same
            // main thread that is starting React (about 50-80 ms measured in a trace).
            await ctx.addInitScript(MARK_WATCH);
            const page = await ctx.newPage();
            const marked = await watchMark(ctx, page, cpuThrottle);
            const t0 = Date.now();
            const shownMark = marked.next();
            if (values.trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
            await page.goto(url);
            await shownMark;
            const elapsed = Date.now() - t0;
            if (values.trace) {
              const buffer = await browser.stopTracing();
              if (i > 0) {
                const file = `/tmp/cxfold-trace-${label.replaceAll(':', '-')}-${i}.json`;
                writeFileSync(file, buffer);
                const counts = await page.evaluate<{ elements: number; nodes: number; rows: number; perRow: number }>(
                  `(() => { const all = document.getElementsByTagName('*').length; let nodes = 0; const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL); while (w.nextNode()) nodes++; const rows = document.querySelectorAll('tbody tr'); const first = rows[0]; return { elements: all, nodes, rows: rows.length, perRow: first ? first.getElementsByTagName('*').length + 1 : 0 }; })()`,
                );
                (traces[label] ??= []).push({ file, ...counts, ...summarizeTrace(JSON.parse(buffer.toString()).traceEvents) });
              }
            }
            // Only now, after the mark: the screen really shows its rows (or cards).
            try {
              await page.locator(screen.ready).first().waitFor({ timeout: 30_000 });
            } catch (err) {
              await page.screenshot({ path: `/tmp/bench-console-${screen.name}.png` });
              throw err;
            }
            const nav = await page.evaluate<number>(`Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)`);
            // In-page: navigation start → the screen's first data rendered (the app marks it).
            const shown = await page.evaluate<number>(`Math.round(performance.getEntriesByName('cxfold:data')[0].startTime)`);
            // Where the time went, for the last sample: each API call's duration.
            a.apiMs = await page.evaluate<Record<string, number>>(
              `Object.fromEntries(performance.getEntriesByType('resource').filter((r) => r.name.includes('/v1/')).map((r) => [new URL(r.name).pathname, Math.round(r.duration)]))`,
            );
            // The last sample's waterfall: [what, start, end] in ms from navigation start.
            a.waterfall = await page.evaluate<[string, number, number][]>(
              `[['document', 0, Math.round(performance.getEntriesByType('navigation')[0].responseEnd)], ['domContentLoaded', 0, Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)], ...performance.getEntriesByType('resource').map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]), ['cxfold:data', 0, Math.round(performance.getEntriesByName('cxfold:data')[0].startTime)]]`,
            );
            if (i > 0) {
              a.times.push(elapsed);
              a.dcl.push(nav);
              a.dataShown.push(shown);
            }
            // Warm: the same tab reloaded, as an analyst reloads a tab (HTTP cache, compiled code
            // and the session kept). Reported beside the cold figure, never instead of it. After
            // sign-in the tab holds the profile too, so a warm reload is the same in both modes:
            // measured once, with the reload mode.
            if (mode === 'reload' && screen.name !== 'page' && !values.trace) {
              await new Promise((r) => setTimeout(r, 300));
              const again = marked.next();
              await page.reload();
              await again;
              await page.locator(screen.ready).first().waitFor({ timeout: 30_000 });
              if (i > 0) a.warmShown.push(await page.evaluate<number>(`Math.round(performance.getEntriesByName('cxfold:data')[0].startTime)`));
            }
            await ctx.close();
          }
        }
        urls.forEach(({ name: variant }, k) => {
          const a = acc[k]!;
          // dataShownMs: in the page, from navigation start; rowsVisibleMs: seen from outside, including the new tab.
          results[`${mode}:${screen.name}${variant ? `:${variant}` : ''}`] = {
            dataShownMs: median(a.dataShown),
            ...(a.warmShown.length ? { warmReloadMs: median(a.warmShown), warmSamples: a.warmShown } : {}),
            rowsVisibleMs: median(a.times),
            domContentLoadedMs: median(a.dcl),
            samples: a.dataShown,
            apiMs: a.apiMs,
            waterfall: a.waterfall,
          };
        });
      }
    } finally {
      await browser.close();
      for (const c of spinners) c.kill();
    }
    const [counts] = await env.db.sql<{ interactions: number; flows: number }[]>`select (select count(*)::int from interactions) as interactions, (select count(*)::int from flow_executions) as flows`;
    if (values.trace) process.stdout.write(`${JSON.stringify({ bench: 'console-trace', loadAverageAtStart, loadAverage: loadAverage(), traces }, null, 1)}\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'console', interactions: counts?.interactions, flowExecutions: counts?.flows, samplesPerScreen: samples, ...(cpuThrottle > 1 ? { cpuThrottle } : {}), ...(spinners.length ? { busy: spinners.length } : {}), loadAverageAtStart, loadAverage: loadAverage(), cpus: os.cpus().length, screens: results })}\n`);
  } finally {
    floor.server.close();
    for (const server of variantServers) server.close();
    await p.close();
    const keep = values['keep-db'];
    if (keep) {
      // A database can be copied only while nobody else is connected to it.
      await env.db.close();
      const admin = postgres(process.env.CXFOLD_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} });
      const source = new URL(env.databaseUrl).pathname.slice(1);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${source} and pid <> pg_backend_pid()`;
      await admin.unsafe(`drop database if exists "${keep}" with (force)`);
      await admin.unsafe(`create database "${keep}" template "${source}"`);
      await admin.end();
      process.stderr.write(`kept the day in database ${keep}\n`);
    }
    await env.teardown();
    await globalTeardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:console failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
