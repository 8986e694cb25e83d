import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonBody, validateAsSent, validateTaskEvent, validateFlowEvents, eventIdFor, type FieldError } from '@cxfold/contracts';
import { flowRawEvent, taskRawEvent } from '@cxfold/ingest';
import { insertRawEvents, subjectKeyString, unfoldedSubjectsOf, type RawEventInput, type Sql, type SubjectKey } from '@cxfold/db';
import { foldSubjects } from '@cxfold/projector';
import { parse, checkSlug, UsageError } from './args';
import { Progress, onInterrupt, opt, readBatch, readKind, fmt, round, INTERRUPTED } from './rebuild';

const HELP = `usage:
  import <file.ndjson> --tenant <slug> [--kind task|flow] [--batch 500] [--json]

Backfills events from a file with one JSON event per line, exactly as if each line had been
POSTed alone over HTTP without a webhook-id header: the same validation, card masking (per
the tenant's mask_card_data) and event ids (the line's eventId, else a hash of tenant + the
line's bytes), so importing a file twice, or events also sent over HTTP, stores nothing twice.

  task lines   a CCE task event; the type goes in eventType (CREATED…CLOSED)
  flow lines   one Webex Connect flow event with its type (execution.started, step.executed,
               execution.ended); batches (arrays) are not accepted
  --kind       treat every line as task or flow; without it a line with a "type" field is a
               flow event and any other line a task event

Lines are stored --batch at a time (duplicates are counted, not stored again) and the records
they touch are folded right away, so the import is complete when the command ends (no worker
or Redis needed). Invalid lines are reported with their line number and failing fields (the
first 20 shown, all counted) and skipped; blank lines are ignored.
Exit codes: 0 every line imported, 1 some line invalid (the valid ones are kept) or a
failure, 2 usage error, 130 interrupted (run again: imported lines become duplicates).`;

/** A line longer than this is refused without being held in memory (HTTP bodies cap at 256 KiB by default). */
const MAX_LINE_BYTES = 1024 * 1024;
/** Invalid lines printed; the rest are only counted. */
const SHOWN_INVALID = 20;

interface Line {
  number: number;
  /** null: longer than MAX_LINE_BYTES. */
  bytes: Buffer | null;
  /** File offset after this line, for the progress bar. */
  offset: number;
}

type LineResult = { ok: true; event: RawEventInput } | { ok: false; errors: FieldError[] };

interface InvalidLine {
  line: number;
  errors: FieldError[];
}

export async function importCommand(sql: Sql, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('give the NDJSON file to import');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (values.tenant === undefined) throw new UsageError('--tenant is required');
  const tenant = checkSlug(opt(values.tenant));
  const kind = readKind(opt(values.kind));
  const batchSize = readBatch(opt(values.batch));

  const [row] = await sql<{ mask_card_data: boolean }[]>`select mask_card_data from tenants where slug = ${tenant}`;
  if (!row) throw new Error(`tenant "${tenant}" does not exist`);
  const mask = row.mask_card_data;
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const requestPrefix = `import:${path.basename(file).slice(0, 100)}`;
  const started = performance.now();
  const counts = { lines: 0, blank: 0, accepted: 0, duplicates: 0, invalid: 0, masked: 0, archived: 0 };
  const invalid: InvalidLine[] = [];
  const folded = new Set<string>();
  const failed = new Set<string>();
  const bar = new Progress('import');
  const stop = onInterrupt();
  let pending: { line: number; event: RawEventInput }[] = [];
  let offset = 0;

  const showProgress = () =>
    bar.update({ done: offset, total: size, percent: size > 0 ? offset / size : 1, count: counts.lines, unit: 'lines', text: `${fmt(counts.lines)} lines, ${fmt(counts.accepted)} new` });

  const flush = async () => {
    if (pending.length === 0) return;
    const items = pending.map((p) => p.event);
    pending = [];
    const inserted = await insertRawEvents(sql, items);
    // Two lines with one event id in the same batch: the first is stored, the rest are duplicates.
    const claimed = new Set<string>();
    const touched = new Map<string, SubjectKey>();
    const subjectOf = new Map<number, string>();
    const duplicateIds: string[] = [];
    for (const e of items) {
      const key = `${e.tenant}\u0001${e.eventId}`;
      const rawId = inserted.get(key);
      if (rawId !== undefined && !claimed.has(key)) {
        claimed.add(key);
        counts.accepted++;
        if (e.maskCount > 0) counts.masked++;
        const subject: SubjectKey = { tenant: e.tenant, kind: e.kind, subjectId: e.subjectId };
        touched.set(subjectKeyString(subject), subject);
        subjectOf.set(rawId, subjectKeyString(subject));
      } else {
        counts.duplicates++;
        duplicateIds.push(e.eventId);
      }
    }
    // Stored by an earlier run cut short between its insert and its fold: fold them now.
    for (const subject of await unfoldedSubjectsOf(sql, tenant, duplicateIds)) touched.set(subjectKeyString(subject), subject);
    const archived = new Set<string>();
    const result = await fold([...touched.values()]);
    for (const rawId of result.archived) {
      counts.archived++;
      archived.add(subjectOf.get(rawId) ?? '');
    }
    for (const k of touched.keys()) {
      // A record that failed here but folds in a later batch is complete after all.
      if (result.failed.has(k)) failed.add(k);
      else {
        failed.delete(k);
        if (!archived.has(k)) folded.add(k);
      }
    }
  };

  /**
   * Folds the records; returns the raw event ids dead-lettered because their record is
   * archived, and the records that could not be folded.
   */
  const fold = async (keys: SubjectKey[]): Promise<{ archived: number[]; failed: Set<string> }> => {
    if (keys.length === 0) return { archived: [], failed: new Set() };
    try {
      const result = await sql.begin((tx) => foldSubjects(tx, keys, 1));
      return { archived: [...result.archived.keys()], failed: new Set() };
    } catch (err) {
      if (keys.length === 1) {
        bar.clear();
        process.stderr.write(`cxfold: folding ${keys[0]!.kind} ${keys[0]!.subjectId} failed (${err instanceof Error ? err.message : String(err)}); its events are stored and a running worker's sweeper folds them\n`);
        return { archived: [], failed: new Set([subjectKeyString(keys[0]!)]) };
      }
      // As the worker does: one bad record must not hold back the others.
      const out = { archived: [] as number[], failed: new Set<string>() };
      for (const k of keys) {
        const one = await fold([k]);
        out.archived.push(...one.archived);
        for (const f of one.failed) out.failed.add(f);
      }
      return out;
    }
  };

  try {
    for await (const line of readLines(file, MAX_LINE_BYTES)) {
      offset = line.offset;
      if (line.bytes !== null && isBlank(line.bytes)) {
        counts.blank++;
        continue;
      }
      counts.lines++;
      const result = line.bytes === null ? { ok: false as const, errors: [{ path: '/', message: `line is longer than ${MAX_LINE_BYTES} bytes` }] } : toRawEvent(line.bytes, { tenant, mask, kind, requestId: `${requestPrefix}:${line.number}` });
      if (result.ok) {
        pending.push({ line: line.number, event: result.event });
        if (pending.length >= batchSize) await flush();
      } else {
        counts.invalid++;
        if (invalid.length < SHOWN_INVALID) {
          invalid.push({ line: line.number, errors: result.errors });
          if (!values.json) {
            bar.clear();
            process.stderr.write(`line ${line.number}: ${result.errors.map((e) => `${e.path} ${e.message}`).join('; ')}\n`);
          }
        }
      }
      showProgress();
      if (stop.requested()) break;
    }
    await flush();
    showProgress();
  } finally {
    bar.end();
    stop.dispose();
  }

  const interrupted = stop.requested();
  const seconds = round((performance.now() - started) / 1000);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({
        file,
        tenant,
        lines: counts.lines,
        accepted: counts.accepted,
        duplicates: counts.duplicates,
        invalid: counts.invalid,
        blank: counts.blank,
        masked: counts.masked,
        foldedSubjects: folded.size,
        archivedEvents: counts.archived,
        foldFailures: failed.size,
        interrupted,
        seconds,
        invalidLines: invalid,
      })}\n`,
    );
  } else {
    const out = [
      `${interrupted ? 'interrupted: ' : ''}imported ${file} into ${tenant}: ${fmt(counts.lines)} lines, ${fmt(counts.accepted)} accepted, ` +
        `${fmt(counts.duplicates)} duplicates, ${fmt(counts.invalid)} invalid; folded ${fmt(folded.size)} records in ${seconds} s`,
    ];
    if (counts.masked) out.push(`card numbers masked in ${fmt(counts.masked)} stored events`);
    if (counts.invalid > invalid.length) out.push(`${fmt(counts.invalid - invalid.length)} more invalid lines not shown (first ${SHOWN_INVALID} above)`);
    if (counts.invalid) out.push(`invalid lines: ${invalid.map((i) => i.line).join(', ')}${counts.invalid > invalid.length ? ', …' : ''}`);
    if (counts.archived) out.push(`${fmt(counts.archived)} events belong to records archived by prune: dead-lettered (RECORD_ARCHIVED)`);
    if (failed.size) out.push(`${fmt(failed.size)} records could not be folded (see above)`);
    if (interrupted) out.push('run the same command again to finish: lines already imported count as duplicates');
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (interrupted) return INTERRUPTED;
  return counts.invalid > 0 || failed.size > 0 ? 1 : 0;
}

/**
 * One line → the raw event HTTP would store for it as a single delivery without a webhook-id:
 * same parsing (UTF-8, JSON, forbidden keys…), validation, masking and event id.
 */
function toRawEvent(bytes: Buffer, ctx: { tenant: string; mask: boolean; kind: 'task' | 'flow' | undefined; requestId: string }): LineResult {
  const parsed = parseJsonBody(bytes);
  if (!parsed.ok) return { ok: false, errors: [{ path: parsed.status === 422 ? parsed.path || '/' : '/', message: parsed.detail }] };
  const body = parsed.value;
  const nowMs = Date.now();
  if (Array.isArray(body)) return { ok: false, errors: [{ path: '/', message: 'one event per line: batches (arrays) are not imported' }] };
  const isObject = body !== null && typeof body === 'object';
  const kind = ctx.kind ?? (isObject && 'type' in body ? 'flow' : 'task');
  // As HTTP without a webhook-id: the body's eventId, else a hash of the line's bytes.
  const origin = (bodyEventId: string | undefined) => ({ tenant: ctx.tenant, maskCardData: ctx.mask, eventId: eventIdFor(ctx.tenant, undefined, bodyEventId, bytes), requestId: ctx.requestId });
  if (kind === 'task') {
    const v = validateAsSent(parsed, (b) => validateTaskEvent(b, null, nowMs));
    if (!v.ok) return { ok: false, errors: v.errors };
    return { ok: true, event: taskRawEvent(v.value, origin(v.value.body.eventId)) };
  }
  const v = validateAsSent(parsed, (b) => validateFlowEvents(b, nowMs));
  if (!v.ok) return { ok: false, errors: v.errors };
  const event = v.value.events[0]!;
  return { ok: true, event: flowRawEvent(event, origin(event.eventId)) };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/**
 * Streams a file line by line as raw bytes (readline would decode them, and the event id
 * hashes the bytes, as HTTP does, and invalid UTF-8 must be refused as HTTP refuses it).
 * A trailing CR and a leading byte order mark are dropped; a line over `maxBytes` is skipped without being buffered.
 */
async function* readLines(file: string, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let number = 0;
  let offset = 0;
  const emit = (): Line => {
    number++;
    let bytes: Buffer | null = null;
    if (!tooLong) {
      bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      // A file saved "UTF-8 with BOM": the mark belongs to the file, not to its first event,
      // whose id (a hash of the line's bytes) must not change with it.
      if (number === 1 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    parts = [];
    length = 0;
    tooLong = false;
    return { number, bytes, offset };
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!tooLong) {
        if (length + (end - start) > maxBytes + 1) {
          tooLong = true;
          parts = [];
          length = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          length += end - start;
        }
      }
      offset += end - start;
      if (nl === -1) break;
      offset += 1;
      yield emit();
      start = nl + 1;
    }
  }
  if (length > 0 || tooLong) yield emit();
}
