import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { createApiKey, createTenant } from '@cxfold/db';
import { createTestEnv, eventually, startPipeline, storeAndFold, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { launch, newContext, screenshot, signIn } from './browser';
import { AGENTS, activeExecutions, eventsOf, planMorning, sendAll, startOfTodayNewYork, type PlannedInteraction } from './fixtures';
import { pdfPages, xlsxRows } from './exports-read';

/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real
 * pipeline: events are signed and sent through the receiver, folded by the worker into the
 * local Postgres, and read back through the public API that serves the console.
 */
let env: TestEnv;
let p: TestPipeline;
let browser: Browser;
let planned: PlannedInteraction[];
const keys = { admin: '', sales: '', bulk: '' };
const LIVE = 3;
const NOW = Date.now();

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withApi: true, tenantSlug: 'acme' });
  keys.admin = (await createApiKey(env.db.db, 'acme', 'admin', [])).key;
  keys.sales = (await createApiKey(env.db.db, 'acme', 'supervisor', ['q-sales'])).key;
  planned = planMorning(60, NOW);
  const events = [...planned.flatMap(eventsOf), ...activeExecutions(LIVE, NOW)];
  await sendAll(p.baseUrl, p.tenant, events);
  await eventually(async () => {
    const [row] = await env.db.sql<{ pending: number; interactions: number; flows: number }[]>`
      select (select count(*)::int from raw_events where folded_at is null and dead_lettered_at is null) as pending,
             (select count(*)::int from interactions) as interactions,
             (select count(*)::int from flow_executions) as flows`;
    return row && row.pending === 0 && row.interactions === planned.length && row.flows === planned.length + LIVE;
  }, 60_000);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
  await env?.teardown();
});

/** Uncaught errors in the console during a test: each test must end with none. */
const pageErrors: string[] = [];
afterEach(() => {
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

async function openPage(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { ctx, page };
}

async function session(key = keys.admin, hash = '#/'): Promise<{ ctx: BrowserContext; page: Page }> {
  const { ctx, page } = await openPage();
  await signIn(page, p.baseUrl, key, hash);
  return { ctx, page };
}

const pagerText = (page: Page) => page.getByTestId('pager-status').innerText();
const focusedText = (page: Page) => page.evaluate<string | null>('document.activeElement && document.activeElement.textContent');

/** Polls `read` until it equals `expected` (the page updates after the API answers), then asserts. */
async function settles<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined);
    if (JSON.stringify(last) === JSON.stringify(expected) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last).toEqual(expected);
}
const rowCount = (page: Page) => page.locator('table.grid tbody tr').count();
const percent = (a: number, n: number) => `${((a / n) * 100).toFixed(1)}%`;

async function download(page: Page, format: 'CSV' | 'Excel' | 'PDF'): Promise<{ file: string; name: string }> {
  await page.getByText('Export ▾').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: format, exact: true }).click()]);
  return saved(d);
}
async function saved(d: Download): Promise<{ file: string; name: string }> {
  const file = await d.path();
  return { file, name: d.suggestedFilename() };
}

test('sign-in, overview charts, sign-out', async () => {
  const { ctx, page } = await openPage();
  await page.goto(`${p.baseUrl}/`);
  await page.getByLabel('API key').fill('cxk_not_a_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').innerText()).toMatch(/not valid/);
  await screenshot(page, '01-login');

  await page.getByLabel('API key').fill(keys.admin);
  await page.getByLabel('API key').press('Enter');
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  expect(await page.getByTestId('who').innerText()).toContain('acme · Admin · America/New_York');
  for (const h of ['Interactions per hour by channel (60)', 'Queue time distribution', 'Abandon rate', 'Top failing flow steps']) await page.getByRole('heading', { name: h }).waitFor();
  const abandoned = planned.filter((x) => x.outcome === 'abandoned').length;
  expect(await page.getByTestId('abandon-rate').innerText()).toContain(percent(abandoned, planned.length));
  // One failing step: the CRM lookup of every execution that got an HTTP 500.
  const failing = planned.filter((x) => x.httpStatus >= 400);
  expect(await page.getByRole('img', { name: 'Flow steps with the most failures' }).locator('text').allTextContents()).toEqual(
    expect.arrayContaining([expect.stringContaining('IVR Main Menu › Customer lookup'), expect.stringContaining(`${failing.filter((x) => x.flowName === 'IVR Main Menu').length} · of`)]),
  );
  await screenshot(page, '02-overview', true);

  // The key stays for a reload of the tab, and leaves with sign-out.
  await page.reload();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  expect(await page.evaluate('sessionStorage.length')).toBe(0);
  await ctx.close();
});

test('flow interactions: default today, filters, sort, pagination', async () => {
  const { ctx, page } = await session(keys.admin, '#/flows');
  const total = planned.length + LIVE;
  await page.getByRole('heading', { name: 'Flow Interactions' }).waitFor();
  await settles(() => pagerText(page), `1–50 of ${total}`);
  await screenshot(page, '03-flow-interactions', true);

  // Pagination: 25 a page, every execution exactly once.
  await page.getByLabel('Rows per page').selectOption('25');
  await settles(() => pagerText(page), `1–25 of ${total}`);
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    seen.push(...(await page.locator('table.grid tbody tr td:first-child a').allInnerTexts()));
    if (i < 2) {
      await page.getByRole('button', { name: 'Next ›' }).click();
      await settles(() => pagerText(page), `${(i + 1) * 25 + 1}–${Math.min(total, (i + 2) * 25)} of ${total}`);
    }
  }
  expect(await page.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);
  expect(new Set(seen).size).toBe(total);
  await page.getByRole('button', { name: '‹ Previous' }).click();
  await settles(() => pagerText(page), `26–50 of ${total}`);

  // Sort by duration, ascending: the live executions (no duration) sort last either way.
  await page.getByRole('button', { name: /^Duration/ }).click();
  await page.getByRole('button', { name: /^Duration/ }).click();
  await settles(async () => (await page.locator('th[aria-sort="ascending"]').innerText()).includes('Duration'), true);

  // Flow name (multi-select) + tag, applied with Enter from a text field.
  await page.getByTestId('flowName-toggle').click();
  await page.getByRole('checkbox', { name: 'IVR Main Menu' }).check();
  await page.getByLabel('Tag').selectOption('Beta');
  await page.getByLabel('Interaction ID').press('Enter');
  const ivrBeta = planned.filter((x) => x.flowName === 'IVR Main Menu' && x.tag === 'Beta');
  await settles(() => pagerText(page), `1–${ivrBeta.length} of ${ivrBeta.length}`);
  expect((await page.locator('table.grid tbody tr td:first-child a').allInnerTexts()).sort()).toEqual(ivrBeta.map((x) => x.id).sort());

  // Phone number in From only, and a duration comparison.
  await page.getByRole('button', { name: 'Reset' }).click();
  const phone = planned[4]!.origin;
  await page.getByLabel('Phone number', { exact: true }).fill(phone);
  await page.getByLabel('Match phone number in').selectOption('from');
  await page.getByLabel('Duration comparison').selectOption('gte');
  await page.getByLabel('Duration (seconds)').fill('8');
  await page.getByRole('button', { name: 'Apply' }).click();
  const byPhone = planned.filter((x) => x.origin === phone);
  await settles(() => pagerText(page), `1–${byPhone.length} of ${byPhone.length}`);
  await page.getByLabel('Match phone number in').selectOption('to');
  await page.getByRole('button', { name: 'Apply' }).click();
  await settles(() => pagerText(page), 'No rows');

  // Filters live in the URL: reload keeps them; the date range is always there.
  await page.reload();
  await settles(() => pagerText(page), 'No rows');
  expect(await page.getByLabel('Phone number', { exact: true }).inputValue()).toBe(phone);
  await page.getByRole('button', { name: 'Yesterday' }).click();
  await page.getByRole('button', { name: 'Reset' }).click();
  // Reset clears the filters but keeps the chosen page size.
  await settles(() => pagerText(page), `1–25 of ${total}`);
  await ctx.close();
});

test('saved searches: save, apply, delete', async () => {
  const { ctx, page } = await session(keys.admin, '#/flows?tag=Beta');
  const beta = planned.filter((x) => x.tag === 'Beta').length;
  await settles(() => pagerText(page), `1–${beta} of ${beta}`);
  await page.getByRole('button', { name: 'Save search' }).click();
  await page.getByLabel('Name').fill('Beta flows');
  await page.getByLabel('Name').press('Enter');
  await page.getByRole('button', { name: 'Reset' }).click();
  await settles(() => pagerText(page), `1–50 of ${planned.length + LIVE}`);
  await page.getByLabel('Saved searches').selectOption({ label: 'Beta flows' });
  await settles(() => pagerText(page), `1–${beta} of ${beta}`);
  await page.getByRole('button', { name: 'Delete saved' }).click();
  await settles(() => page.getByLabel('Saved searches').locator('option').allInnerTexts(), ['None yet']);
  await ctx.close();
});

test('flow execution page: raw JSON, steps with pills, expand a step, values before/after, search, details', async () => {
  const failing = planned.find((x) => x.httpStatus === 500)!;
  const { ctx, page } = await session(keys.admin, `#/flows?interactionId=${failing.id}`);
  await settles(() => pagerText(page), '1–1 of 1');

  // Row action: raw JSON in a dialog that Escape closes.
  await page.getByRole('button', { name: `Show raw JSON of ${failing.id}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('execution.started').first().waitFor();
  await screenshot(page, '04-flow-raw-json');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await page.getByRole('link', { name: failing.id, exact: true }).click();
  await page.getByRole('heading', { name: `Interaction ${failing.id}` }).waitFor();
  expect(await page.locator('table.steps tbody tr').count()).toBe(6);
  const lookup = page.getByTestId('step-3');
  expect(await lookup.locator('.pill-http-error').innerText()).toBe('HTTP 500');
  expect(await lookup.locator('.pill-error').innerText()).toBe('Error HTTP_500');
  expect(await lookup.innerText()).toMatch(/HTTP Request/);
  // Milliseconds, in New York time.
  expect(await lookup.locator('td').nth(4).innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  await lookup.getByRole('button', { name: 'Values' }).click();
  await page.getByRole('tab', { name: 'After' }).click();
  await page.getByLabel('Values after step 3').waitFor();
  expect(await page.getByLabel('Values after step 3').innerText()).toContain('"customerName": null');
  await lookup.getByRole('button', { name: 'Settings' }).click();
  expect(await page.getByLabel('Settings of step 3').innerText()).toContain('crm.example.test/customers/{{accountNumber}}');
  await screenshot(page, '05-flow-steps', true);

  await page.getByLabel('Search steps by name').fill('lookup');
  await settles(() => page.locator('table.steps tbody tr[data-testid]').count(), 1);
  await page.getByLabel('Search steps by name').fill('');

  await page.getByRole('tab', { name: 'Details' }).click();
  const details = await page.locator('dl.pairs').innerText();
  expect(details).toContain('flow-ivr');
  expect(details).toContain('ivr-v3');
  expect(details).toContain('End');
  await screenshot(page, '06-flow-details');

  // Debug opens the first failing step; other executions show green and blue pills.
  await page.goto(`${p.baseUrl}/#/flows/${failing.flowId}?debug=1`);
  await page.getByLabel('Details of step 3').waitFor();
  for (const [status, tone] of [
    [200, 'ok'],
    [302, 'redirect'],
  ] as const) {
    const x = planned.find((y) => y.httpStatus === status)!;
    await page.goto(`${p.baseUrl}/#/flows/${x.flowId}`);
    expect(await page.getByTestId('step-3').locator(`.pill-http-${tone}`).innerText()).toBe(`HTTP ${status}`);
  }
  await ctx.close();
});

test('CC interactions: filters, client and agent history, interaction timeline', async () => {
  const { ctx, page } = await session(keys.admin, '#/interactions');
  await page.getByRole('heading', { name: 'CC Interactions' }).waitFor();
  await settles(() => pagerText(page), `1–50 of ${planned.length}`);
  await screenshot(page, '07-cc-interactions', true);

  await page.getByLabel('Agent', { exact: true }).fill('ann');
  await page.getByLabel('Queue', { exact: true }).selectOption({ label: 'Billing' });
  await page.getByRole('button', { name: 'Apply' }).click();
  // Queue and Agent match any leg: a transferred call is handled by its first agent, then the next one.
  const agentsOf = (x: PlannedInteraction) => (x.agent ? (x.queues.length > 1 ? [x.agent, AGENTS[(AGENTS.indexOf(x.agent) + 1) % AGENTS.length]!] : [x.agent]) : []);
  const annBilling = planned.filter((x) => agentsOf(x).some((a) => a.id === 'a-ann') && x.queues.some((q) => q.id === 'q-billing'));
  expect(annBilling.length).toBeGreaterThan(0);
  await settles(() => pagerText(page), annBilling.length ? `1–${annBilling.length} of ${annBilling.length}` : 'No rows');
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByLabel('Channel').selectOption('chat');
  await page.getByLabel('Disposition').selectOption('RESOLVED');
  await page.getByLabel('DID').press('Enter');
  const chatResolved = planned.filter((x) => x.channel === 'chat' && x.outcome === 'closed' && Number(x.id.slice(-3)) % 2 === 1);
  expect(chatResolved.length).toBeGreaterThan(0);
  await settles(() => pagerText(page), `1–${chatResolved.length} of ${chatResolved.length}`);
  await page.getByRole('button', { name: 'Yesterday' }).click();
  await page.getByRole('button', { name: 'Apply' }).click();
  await settles(() => pagerText(page), 'No rows');
  await page.getByRole('button', { name: 'Reset' }).click();
  await settles(() => pagerText(page), `1–50 of ${planned.length}`);

  // The C badge: every interaction of that client.
  const client = planned[0]!.origin;
  await page.getByRole('button', { name: `Client history of ${client}` }).first().click();
  const history = page.getByTestId('history');
  await history.waitFor();
  expect(await history.locator('tbody tr').count()).toBe(planned.filter((x) => x.origin === client).length);
  await screenshot(page, '08-client-history');
  await page.keyboard.press('Escape');
  await history.waitFor({ state: 'detached' });

  // The A badge: every interaction the agent had a leg of.
  await page.getByRole('button', { name: 'Agent history of Bob Jones' }).first().click();
  await history.waitFor();
  const bob = planned.filter((x) => x.agent?.id === 'a-bob' || (x.queues.length > 1 && x.agent?.id === 'a-ann'));
  expect(await history.locator('tbody tr').count()).toBe(bob.length);
  await page.keyboard.press('Escape');

  // The interaction page of a transferred call: self-service, two queue legs, two agent legs, a transfer.
  const transferred = planned.find((x) => x.queues.length > 1 && x.outcome === 'closed')!;
  await page.goto(`${p.baseUrl}/#/interactions/${transferred.id}`);
  await page.getByRole('heading', { name: `Interaction ${transferred.id}` }).waitFor();
  const chart = page.locator('svg.timeline');
  expect(await chart.locator('rect.tl-self').count()).toBe(1);
  expect(await chart.locator('rect.tl-queue').count()).toBe(2);
  expect(await chart.locator('rect.tl-agent').count()).toBe(2);
  expect(await chart.locator('line.tl-transfer').count()).toBe(1);
  await screenshot(page, '09-interaction-timeline', true);
  await page.getByRole('link', { name: transferred.flowName }).click();
  await page.getByRole('heading', { name: `Interaction ${transferred.id}` }).waitFor();
  expect(page.url()).toContain(`#/flows/${transferred.flowId}`);
  await ctx.close();
});

test('workflow sessions: active executions with a live time-in-workflow counter', async () => {
  const { ctx, page } = await session(keys.admin, '#/sessions');
  await page.getByRole('heading', { name: 'Workflow Sessions' }).waitFor();
  const counters = page.getByTestId('time-in-workflow');
  await settles(() => counters.count(), LIVE);
  // Paged like the other lists (50 a page by default).
  await settles(() => pagerText(page), `1–${LIVE} of ${LIVE}`);
  const seconds = (t: string) => t.split(':').reduce((s, part) => s * 60 + Number(part), 0);
  const before = seconds(await counters.first().innerText());
  expect(before).toBeGreaterThanOrEqual(90);
  await settles(async () => seconds(await counters.first().innerText()) > before, true, 5000);
  await screenshot(page, '10-workflow-sessions');
  await ctx.close();
});

test('exports: CSV, Excel and PDF of the current filters, with the file names of seed 000', async () => {
  const { ctx, page } = await session(keys.admin, '#/flows?flowName=Live+Chat+Inbound+Flow');
  const chat = planned.filter((x) => x.flowName === 'Live Chat Inbound Flow');
  await settles(() => pagerText(page), `1–${chat.length} of ${chat.length}`);
  const today = new Date(NOW).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });

  const csv = await download(page, 'CSV');
  expect(csv.name).toBe(`flow-interactions-${today}-to-${today}.csv`);
  const lines = readFileSync(csv.file, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toContain('Interaction ID');
  const body = lines.filter((l) => /task-\d{3}/.test(l));
  expect(body).toHaveLength(chat.length);
  expect(body.every((l) => l.includes('Live Chat Inbound Flow'))).toBe(true);

  const xlsx = await download(page, 'Excel');
  expect(xlsx.name).toBe(`flow-interactions-${today}-to-${today}.xlsx`);
  const rows = await xlsxRows(xlsx.file);
  const ids = rows.map((r) => r[0]).filter((v) => /^task-\d{3}$/.test(v ?? ''));
  expect(ids.sort()).toEqual(chat.map((x) => x.id).sort());

  const pdf = await download(page, 'PDF');
  expect(pdf.name).toBe(`flow-interactions-${today}-to-${today}.pdf`);
  const text = (await pdfPages(readFileSync(pdf.file))).join('\n');
  expect(text).toContain('Flow Interactions');
  for (const x of chat.slice(0, 5)) expect(text).toContain(x.id);
  await ctx.close();
});

test('an export over the cap offers the first rows (422 from the API)', async () => {
  await createTenant(env.db.db, 'bulk', { timeZone: 'America/New_York' });
  keys.bulk = (await createApiKey(env.db.db, 'bulk', 'admin', [])).key;
  const start = Math.max(startOfTodayNewYork(NOW) + 60_000, NOW - 3_600_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  await storeAndFold(
    env,
    'bulk',
    Array.from({ length: 1001 }, (_, i) => [
      { kind: 'flow' as const, eventId: `b${i}s`, body: { type: 'execution.started', executionId: `bulk-${i}`, timestamp: iso(start + i * 100), flowName: 'Bulk Flow', tag: 'Live' } },
      { kind: 'flow' as const, eventId: `b${i}e`, body: { type: 'execution.ended', executionId: `bulk-${i}`, timestamp: iso(start + i * 100 + 50), endReason: 'completed' } },
    ]).flat(),
  );
  const { ctx, page } = await session(keys.bulk, '#/flows');
  await settles(() => pagerText(page), '1–50 of 1001');
  await page.getByText('Export ▾').click();
  await page.getByRole('button', { name: 'PDF', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export over the limit' });
  await dialog.waitFor();
  expect(await dialog.innerText()).toContain('1,001 rows match');
  await screenshot(page, '11-export-over-cap');
  const [d] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download the first 1,000 rows' }).click()]);
  const pdf = await saved(d);
  const pages = await pdfPages(readFileSync(pdf.file));
  expect(pages.length).toBeGreaterThan(5);
  expect(pages.join('\n')).toContain('bulk-');
  await ctx.close();
});

test('the queue board link is shown to operator keys only (it is every tenant\'s board)', async () => {
  const admin = await session(keys.admin, '#/');
  await admin.page.getByRole('heading', { name: 'Overview' }).waitFor();
  expect(await admin.page.getByRole('link', { name: /Queue board/ }).count()).toBe(0);
  await admin.ctx.close();
  const operator = await session((await createApiKey(env.db.db, 'acme', 'admin', [], 'ops', { operator: true })).key, '#/');
  await operator.page.getByRole('heading', { name: 'Overview' }).waitFor();
  expect(await operator.page.getByRole('link', { name: /Queue board/ }).getAttribute('href')).toBe('/admin/queues');
  await operator.ctx.close();
});

test('a supervisor sees only their queues, and no admin-only option', async () => {
  const { ctx, page } = await session(keys.sales, '#/interactions');
  expect(await page.getByTestId('who').innerText()).toContain('Supervisor (Sales)');
  expect(await page.getByRole('link', { name: /Queue board/ }).count()).toBe(0);
  const mine = planned.filter((x) => x.queues.some((q) => q.id === 'q-sales'));
  await settles(() => pagerText(page), `1–${mine.length} of ${mine.length}`);
  // Options arrive after the rows.
  await settles(() => page.getByLabel('Queue', { exact: true }).locator('option').allInnerTexts(), ['All my queues', 'Sales']);
  await screenshot(page, '12-supervisor-cc-interactions', true);

  await page.goto(`${p.baseUrl}/#/flows`);
  await settles(() => pagerText(page), `1–${mine.length} of ${mine.length}`);
  const other = planned.find((x) => !x.queues.some((q) => q.id === 'q-sales'))!;
  await page.goto(`${p.baseUrl}/#/flows/${other.flowId}`);
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').innerText()).toMatch(/Not found/i);
  await page.goto(`${p.baseUrl}/#/sessions`);
  await page.getByText('No active workflow sessions.').waitFor();
  await page.goto(`${p.baseUrl}/#/`);
  expect(await page.getByTestId('abandon-rate').innerText()).toContain(`of ${mine.length} queued`);
  await ctx.close();
});

test('keyboard: sign in, move through the screens, open and close a dialog', async () => {
  const { ctx, page } = await openPage();
  await page.goto(`${p.baseUrl}/#/flows`);
  // The key field has focus on arrival; Enter submits.
  await page.getByLabel('API key').waitFor();
  expect(await page.evaluate('document.activeElement && document.activeElement.name')).toBe('apiKey');
  await page.keyboard.type(keys.admin);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await settles(() => pagerText(page), `1–50 of ${planned.length + LIVE}`);
  // Tab from the top reaches the skip link, then the screens' links, each with a visible focus ring.
  await page.keyboard.press('Tab');
  expect(await focusedText(page)).toBe('Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await focusedText(page)).toBe('Flow Interactions');
  const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
  expect(outline).toBe('solid');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'CC Interactions' }).waitFor();
  // A dialog opened from the keyboard closes with Escape and gives focus back.
  const badge = page.getByRole('button', { name: /^Client history of/ }).first();
  await badge.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('history').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('history').waitFor({ state: 'detached' });
  expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")')).toBe(await badge.getAttribute('aria-label'));
  await ctx.close();
});

test('load time of the Flow Interactions screen, from navigation to rows on screen (reported, not asserted)', async () => {
  const ctx = await newContext(browser);
  await ctx.addInitScript(`sessionStorage.setItem('cxfold.apiKey', ${JSON.stringify(keys.admin)})`);
  const page = await ctx.newPage();
  const samples: { rowsVisibleMs: number; dataShownMs: number; domContentLoadedMs: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    // A real load each time (not a same-document hash change).
    await page.goto(`${p.baseUrl}/?sample=${i}#/flows`);
    await page.locator('table.grid tbody tr').first().waitFor();
    const rowsVisibleMs = Date.now() - t0;
    await page.waitForFunction(`performance.getEntriesByName('cxfold:data').length > 0`);
    const inPage = await page.evaluate<{ dataShownMs: number; domContentLoadedMs: number }>(
      `({ dataShownMs: Math.round(performance.getEntriesByName('cxfold:data')[0].startTime), domContentLoadedMs: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd) })`,
    );
    samples.push({ rowsVisibleMs, ...inPage });
  }
  process.stdout.write(`${JSON.stringify({ e2e: 'console-load', rows: await rowCount(page), samples })}\n`);
  await ctx.close();
});
