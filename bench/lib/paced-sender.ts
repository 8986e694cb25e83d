/**
 * An open-loop HTTP/1.1 sender on raw keep-alive sockets: one request every 1/rate s, latency
 * counted from the moment each request was due (so a stalled server cannot hide its stalls
 * behind a sender that waits for it).
 *
 * Why not `http.request`: Node's HTTP client spent about 100 µs of CPU per request here (0.3
 * cores at 2,800 requests/s) and allocates a request object, header objects and listeners for
 * each one. On a 2-core machine that CPU and its garbage collections are taken from the server
 * being measured and show up in the very tail this sender exists to measure. Requests are
 * serialised to bytes before the clock starts, as autocannon does, and an answer is read only as
 * far as its status line, its Content-Length and its body.
 */
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PacedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedOutcome {
  /** ms from when each answered request was due to when its answer was read */
  latencies: number[];
  statusCodes: Record<string, number>;
  accepted: number;
  duplicates: number;
  non2xx: number;
  errors: number;
  firstErrors: string[];
  sent: number;
  /** performance.now() of the first request's due time and of the last answer */
  startedAt: number;
  lastDoneAt: number;
  /**
   * The sender's own share of the latencies: ms from when each request was due to when the
   * sender's timer got to it (a wait for a free connection, which a slow server causes, is not
   * counted here), and how late its event loop ran (1 ms resolution). A tail the sender put there
   * is not the server's.
   */
  sendLags: number[];
  loopDelayMs: { p99: number; max: number };
}

/** The whole request as bytes: request line, headers, body. */
export function serialiseRequest(host: string, r: PacedRequest): Buffer {
  const body = Buffer.from(r.body);
  let head = `POST ${r.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\nContent-Length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(r.headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`), body]);
}

interface Parsed {
  status: number;
  body: string;
  /** the peer will close the connection after this answer */
  close: boolean;
  /** bytes of this answer, so what follows it (nothing, without pipelining) can be kept */
  length: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One complete answer at the start of `buf`, or null while more bytes are needed. */
export function parseResponse(buf: Buffer): Parsed | null {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return null;
  const head = buf.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!lengthMatch) {
    // The receiver and the baseline always send a Content-Length; anything else is a bench bug.
    throw new Error(`answer without Content-Length (status ${status}): ${head.slice(0, 200)}`);
  }
  const length = headerEnd + HEADER_END.length + Number(lengthMatch[1]);
  if (buf.length < length) return null;
  return {
    status,
    body: buf.toString('utf8', headerEnd + HEADER_END.length, length),
    close: /\r\nconnection:\s*close/i.test(head),
    length,
  };
}

interface Pending {
  bytes: Buffer;
  due: number;
}

class Connection {
  private received: Buffer = Buffer.alloc(0);
  private current: Pending | null = null;
  readonly socket: net.Socket;
  open = true;

  constructor(
    port: number,
    host: string,
    private readonly onAnswer: (conn: Connection, due: number, answer: Parsed) => void,
    private readonly onFailure: (conn: Connection, due: number | null, message: string) => void,
  ) {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (err) => this.fail(err.message));
    this.socket.on('close', () => this.fail('connection closed'));
  }

  get idle(): boolean {
    return this.open && this.current === null;
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.bytes);
  }

  private read(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    if (!this.current) return;
    let answer: Parsed | null;
    try {
      answer = parseResponse(this.received);
    } catch (err) {
      this.socket.destroy();
      this.fail((err as Error).message);
      return;
    }
    if (!answer) return;
    this.received = this.received.subarray(answer.length);
    const due = this.current.due;
    this.current = null;
    if (answer.close) this.close();
    this.onAnswer(this, due, answer);
  }

  private fail(message: string): void {
    if (!this.open) return;
    this.open = false;
    const due = this.current?.due ?? null;
    this.current = null;
    this.onFailure(this, due, message);
  }

  close(): void {
    this.open = false;
    this.socket.destroy();
  }
}

/**
 * Sends `requests` (already serialised) at `rate` per second over at most `maxSockets`
 * keep-alive connections. A request due while every connection is busy waits for one, and that
 * wait is part of its latency.
 */
export function sendPaced(target: URL, requests: Buffer[], rate: number, maxSockets: number): Promise<PacedOutcome> {
  const port = Number(target.port || 80);
  const host = target.hostname;
  const out: PacedOutcome = { latencies: [], statusCodes: {}, accepted: 0, duplicates: 0, non2xx: 0, errors: 0, firstErrors: [], sent: 0, startedAt: 0, lastDoneAt: 0, sendLags: [], loopDelayMs: { p99: 0, max: 0 } };
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const connections = new Set<Connection>();
  const idle: Connection[] = [];
  const waiting: Pending[] = [];
  let inFlight = 0;

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (out.sent >= requests.length && inFlight === 0 && waiting.length === 0) {
        loopDelay.disable();
        out.loopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
        for (const c of connections) c.close();
        resolve(out);
      }
    };
    const done = () => {
      inFlight--;
      out.lastDoneAt = performance.now();
    };
    const dispatch = (conn: Connection) => {
      const next = waiting.shift();
      if (next) conn.send(next);
      else idle.push(conn);
    };
    const onAnswer = (conn: Connection, due: number, answer: Parsed) => {
      done();
      out.latencies.push(performance.now() - due);
      out.statusCodes[answer.status] = (out.statusCodes[answer.status] ?? 0) + 1;
      if (answer.status === 202) {
        if (answer.body.includes('"duplicate":true')) out.duplicates++;
        else out.accepted++;
      } else {
        out.non2xx++;
        if (out.firstErrors.length < 5) out.firstErrors.push(`${answer.status} ${answer.body.slice(0, 300)}`);
      }
      if (conn.idle) dispatch(conn);
      else connections.delete(conn);
      finishIfDone();
    };
    const onFailure = (conn: Connection, due: number | null, message: string) => {
      connections.delete(conn);
      const at = idle.indexOf(conn);
      if (at >= 0) idle.splice(at, 1);
      if (due !== null) {
        done();
        out.errors++;
        if (out.firstErrors.length < 5) out.firstErrors.push(message);
      }
      // A connection lost while requests wait: open another for them.
      if (waiting.length > 0 && connections.size < maxSockets) dispatch(open());
      finishIfDone();
    };
    const open = () => {
      const conn = new Connection(port, host, onAnswer, onFailure);
      connections.add(conn);
      return conn;
    };
    const fire = (p: Pending) => {
      inFlight++;
      out.sendLags.push(performance.now() - p.due);
      const conn = idle.pop() ?? (connections.size < maxSockets ? open() : null);
      if (conn) conn.send(p);
      else waiting.push(p);
    };

    const start = performance.now();
    out.startedAt = start;
    loopDelay.enable();
    const tick = () => {
      const now = performance.now();
      const due = Math.min(requests.length, Math.floor(((now - start) / 1000) * rate) + 1);
      while (out.sent < due) {
        fire({ bytes: requests[out.sent]!, due: start + (out.sent * 1000) / rate });
        out.sent++;
      }
      if (out.sent < requests.length) setTimeout(tick, 1);
      else finishIfDone();
    };
    tick();
  });
}
