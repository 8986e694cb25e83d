/**
 * The load generator, always a process of its own (bench/main.ts starts it): the server it
 * measures never shares its event loop. Reads a JSON config (argv[2]), writes its result as
 * JSON (argv[3]).
 *
 * - `autocannon`: autocannon at full load (or at `overallRate`), every request a different,
 *   validly signed event from the synthetic day.
 * - `paced`: an open-loop sender at an even rate (one request every 1/rate s); latency is
 *   counted from the moment a request was due, so a stalled server cannot hide its stalls.
 * - `api`: sequential GETs of the analyst API, one case after another.
 */
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { SignedRequestSource } from './lib/events';
import { sendPaced, serialiseRequest } from './lib/paced-sender';
import { summarize, round } from './lib/stats';

export interface AutocannonConfig {
  mode: 'autocannon';
  baseUrl: string;
  tenant: string;
  hubSecret: string;
  seed: number;
  connections: number;
  durationS: number;
  overallRate?: number;
  /** events to generate and sign before the clock starts */
  prepare: number;
}

export interface PacedConfig {
  mode: 'paced';
  baseUrl: string;
  tenant: string;
  hubSecret: string;
  seed: number;
  rate: number;
  durationS: number;
  maxSockets: number;
}

export interface ApiCase {
  name: string;
  group: string;
  /** cycled through */
  paths: string[];
  warmup: number;
  count: number;
}

export interface ApiConfig {
  mode: 'api';
  baseUrl: string;
  apiKey: string;
  cases: ApiCase[];
}

export type LoadConfig = AutocannonConfig | PacedConfig | ApiConfig;

export interface SendResult {
  /** responses 202 with duplicate:false: new events acknowledged */
  accepted: number;
  duplicates: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationS: number;
  eventsPerS: number;
  requestsPerS: number;
  latencyMs: { mean: number; p50: number; p90: number; p97_5?: number; p95?: number; p99: number; max: number };
  refilledDuringRun: number;
  firstErrors: string[];
  /** CPU of the load generator itself while it ran, in cores */
  loadGeneratorCores?: number;
  /** paced runs: how late the sender itself wrote requests and ran its event loop (ms) */
  sender?: { sendLagP50: number; sendLagP99: number; sendLagMax: number; loopDelayP99: number; loopDelayMax: number };
}

export interface ApiCaseResult {
  name: string;
  group: string;
  statusCodes: Record<string, number>;
  bytes: number;
  totalCount: string | null;
  samples: number[];
  latencyMs: ReturnType<typeof summarize>;
}

/** Cores this process kept busy since the returned function was made. */
function cpuClock(): () => number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return round((cpu.user + cpu.system) / 1000 / (performance.now() - t0), 2);
  };
}

async function runAutocannon(c: AutocannonConfig): Promise<SendResult> {
  const source = new SignedRequestSource(c.seed, c.hubSecret);
  source.prepare(c.prepare);
  const cores = cpuClock();
  let accepted = 0;
  let duplicates = 0;
  const statusCodes: Record<string, number> = {};
  const firstErrors: string[] = [];
  const result = await autocannon({
    url: c.baseUrl,
    connections: c.connections,
    duration: c.durationS,
    ...(c.overallRate ? { overallRate: c.overallRate } : {}),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const r = source.next();
          return { ...req, method: 'POST', path: `/v1/hooks/${c.tenant}/${r.path}`, headers: r.headers, body: r.text };
        },
        onResponse: (status, body) => {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status === 202) {
            if (body.includes('"duplicate":true')) duplicates++;
            else accepted++;
          } else if (firstErrors.length < 5) firstErrors.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  const l = result.latency;
  return {
    accepted,
    duplicates,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationS: result.duration,
    eventsPerS: round(accepted / result.duration, 1),
    requestsPerS: round(result.requests.average, 1),
    latencyMs: { mean: l.average, p50: l.p50, p90: l.p90, p97_5: l.p97_5, p99: l.p99, max: l.max },
    refilledDuringRun: source.refilledDuringRun,
    firstErrors,
    loadGeneratorCores: cores(),
  };
}

async function runPaced(c: PacedConfig): Promise<SendResult> {
  const source = new SignedRequestSource(c.seed, c.hubSecret);
  const total = Math.round(c.rate * c.durationS);
  source.prepare(total);
  const url = new URL(c.baseUrl);
  const requests: Buffer[] = [];
  for (let i = 0; i < total; i++) {
    const r = source.next();
    requests.push(serialiseRequest(url.host, { path: `/v1/hooks/${c.tenant}/${r.path}`, headers: r.headers, body: r.text }));
  }
  const cores = cpuClock();
  const o = await sendPaced(url, requests, c.rate, c.maxSockets);
  const durationS = (o.lastDoneAt - o.startedAt) / 1000;
  const s = summarize(o.latencies);
  const lag = summarize(o.sendLags);
  return {
    accepted: o.accepted,
    duplicates: o.duplicates,
    non2xx: o.non2xx,
    errors: o.errors,
    timeouts: 0,
    statusCodes: o.statusCodes,
    durationS: round(durationS, 2),
    eventsPerS: round(o.accepted / durationS, 1),
    requestsPerS: round(o.sent / durationS, 1),
    latencyMs: { mean: s.mean, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max },
    refilledDuringRun: source.refilledDuringRun,
    firstErrors: o.firstErrors,
    loadGeneratorCores: cores(),
    sender: { sendLagP50: lag.p50, sendLagP99: lag.p99, sendLagMax: lag.max, loopDelayP99: round(o.loopDelayMs.p99, 2), loopDelayMax: round(o.loopDelayMs.max, 2) },
  };
}

function get(agent: http.Agent, url: URL, path: string, apiKey: string): Promise<{ status: number; bytes: number; ms: number; totalCount: string | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ agent, host: url.hostname, port: url.port, method: 'GET', path, headers: { authorization: `Bearer ${apiKey}`, accept: '*/*' } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => {
        const tc = res.headers['x-total-count'];
        resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0, totalCount: typeof tc === 'string' ? tc : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface ApiResult {
  cases: ApiCaseResult[];
  loadGeneratorCores: number;
}

async function runApi(c: ApiConfig): Promise<ApiResult> {
  const cores = cpuClock();
  const url = new URL(c.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: ApiCaseResult[] = [];
  for (const k of c.cases) {
    const samples: number[] = [];
    const statusCodes: Record<string, number> = {};
    let bytes = 0;
    let totalCount: string | null = null;
    for (let i = 0; i < k.warmup + k.count; i++) {
      const r = await get(agent, url, k.paths[i % k.paths.length]!, c.apiKey);
      if (i < k.warmup) continue;
      samples.push(r.ms);
      statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
      bytes += r.bytes;
      totalCount = r.totalCount ?? totalCount;
    }
    out.push({ name: k.name, group: k.group, statusCodes, bytes, totalCount, samples: samples.map((s) => round(s, 3)), latencyMs: summarize(samples) });
  }
  agent.destroy();
  return { cases: out, loadGeneratorCores: cores() };
}

async function main() {
  const [configFile, outFile] = process.argv.slice(2);
  if (!configFile || !outFile) throw new Error('usage: load.ts <config.json> <out.json>');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as LoadConfig;
  let result: unknown;
  if (config.mode === 'autocannon') result = await runAutocannon(config);
  else if (config.mode === 'paced') result = await runPaced(config);
  else result = await runApi(config);
  writeFileSync(outFile, JSON.stringify(result));
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`load generator failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
