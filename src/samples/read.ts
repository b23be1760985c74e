// Streaming, validating reader of the samples CSV contract (`round,arm,seq,latency_ns[,start_ns,status,conn]`),
// plain or gzip (detected by magic bytes). Every problem is one UsageError naming file and line.
import { createReadStream, promises as fs } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UsageError } from '../errors';
import type { RoundData } from '../types';

export const REQUIRED_COLUMNS = ['round', 'arm', 'seq', 'latency_ns'] as const;
export const OPTIONAL_COLUMNS = ['start_ns', 'status', 'conn'] as const;
/** The highest connection index: `concurrency` is at most 64. */
const MAX_CONN = 63;
const EXPECTED = 'round,arm,seq,latency_ns[,start_ns,status,conn]';

interface Columns {
  round: number;
  arm: number;
  seq: number;
  latency: number;
  start: number;
  status: number;
  conn: number;
  count: number;
}

/** A typed column that doubles as it grows (number[] pushes dominate parsing time otherwise). */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class RoundBuilder {
  arm = new Column();
  seq = new Column();
  latency = new Column();
  start = new Column();
  status = new Column();
  conn = new Column();
  constructor(readonly round: number) {}
}

export async function readSamples(file: string): Promise<RoundData[]> {
  const stream = await openText(file);
  const parser = new SamplesParser(file);
  try {
    for await (const chunk of stream) parser.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return parser.finish();
}

async function openText(file: string): Promise<Readable> {
  let head: Buffer;
  try {
    const fh = await fs.open(file, 'r');
    try {
      head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UsageError(`${file}: ${why}`);
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    gunzip.on('error', () => undefined);
    const piped = raw.pipe(gunzip);
    return wrapGzipErrors(piped, file);
  }
  return raw;
}

function wrapGzipErrors(stream: Readable, file: string): Readable {
  const orig = stream[Symbol.asyncIterator].bind(stream);
  (stream as unknown as { [Symbol.asyncIterator]: () => AsyncIterator<unknown> })[Symbol.asyncIterator] = () => {
    const it = orig();
    return {
      next: () =>
        it.next().catch((e: Error) => {
          throw new UsageError(`${file}: corrupt gzip data (${e.message})`);
        }),
      return: it.return?.bind(it),
    } as AsyncIterator<unknown>;
  };
  return stream;
}

class SamplesParser {
  private rest = '';
  private line = 0;
  private cols: Columns | null = null;
  private rounds = new Map<number, RoundBuilder>();
  private last: RoundBuilder | null = null;

  constructor(private readonly file: string) {}

  push(chunk: Buffer): void {
    if (chunk.includes(0)) this.fail(this.line + 1, 'binary data, not a CSV text file');
    const text = this.rest + chunk.toString('utf8');
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      if (!this.fastLine(text, from, nl)) this.parseLine(text.slice(from, nl));
      from = nl + 1;
    }
    this.rest = text.slice(from);
  }

  finish(): RoundData[] {
    if (this.rest.length > 0) this.parseLine(this.rest);
    if (!this.cols) throw new UsageError(`${this.file}: empty file (expected header ${EXPECTED})`);
    if (this.rounds.size === 0) throw new UsageError(`${this.file}: no samples after the header`);
    const out = [...this.rounds.values()].sort((a, b) => a.round - b.round).map((b) => this.toRoundData(b));
    const arms = [0, 0];
    for (const r of out) for (const a of r.arm) arms[a]++;
    if (arms[0] === 0 || arms[1] === 0) {
      const missing = arms[0] === 0 ? 'baseline' : 'candidate';
      throw new UsageError(`${this.file}: no ${missing} samples; both arms are needed`);
    }
    return out;
  }

  private readonly fields = new Float64Array(16);

  /**
   * The common case without allocating: plain digits, a known arm, the header's field count.
   * Returns false for anything else, which the validating parseLine then reports precisely.
   */
  private fastLine(text: string, start: number, end: number): boolean {
    const c = this.cols;
    if (!c || c.count > 16) return false;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const f = this.fields;
    let k = 0;
    let v = 0;
    let digits = 0;
    let fieldStart = start;
    for (let i = start; i <= end; i++) {
      const ch = i < end ? text.charCodeAt(i) : 44;
      if (ch === 44) {
        if (k >= c.count) return false;
        if (k === c.arm) {
          const len = i - fieldStart;
          if (len === 8 && text.startsWith('baseline', fieldStart)) v = 0;
          else if (len === 9 && text.startsWith('candidate', fieldStart)) v = 1;
          else return false;
        } else if (digits === 0 || digits > 15) return false;
        f[k++] = v;
        v = 0;
        digits = 0;
        fieldStart = i + 1;
      } else if (k !== c.arm) {
        if (ch < 48 || ch > 57) return false;
        v = v * 10 + (ch - 48);
        digits++;
      }
    }
    if (k !== c.count || f[c.latency] < 1 || (c.conn >= 0 && f[c.conn] > MAX_CONN)) return false;
    this.line++;
    this.add(f[c.round], f[c.arm], f[c.seq], f[c.latency], c.start >= 0 ? f[c.start] : -1, c.status >= 0 ? f[c.status] : -1, c.conn >= 0 ? f[c.conn] : -1);
    return true;
  }

  private add(round: number, arm: number, seq: number, latency: number, start: number, status: number, conn: number): void {
    let b = this.last;
    if (!b || b.round !== round) {
      b = this.rounds.get(round) ?? new RoundBuilder(round);
      this.rounds.set(round, b);
      this.last = b;
    }
    b.arm.push(arm);
    b.seq.push(seq);
    b.latency.push(latency);
    if (start >= 0) b.start.push(start);
    if (status >= 0) b.status.push(status);
    if (conn >= 0) b.conn.push(conn);
  }

  private parseLine(raw: string): void {
    this.line++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.cols) {
      this.cols = this.parseHeader(line);
      return;
    }
    if (line.length === 0) return;
    const f = line.split(',');
    const c = this.cols;
    if (f.length !== c.count) this.fail(this.line, `expected ${c.count} fields, found ${f.length} (truncated or malformed row)`);
    const round = this.int(f[c.round], 'round', 0);
    const armText = f[c.arm];
    const arm = armText === 'baseline' ? 0 : armText === 'candidate' ? 1 : -1;
    if (arm < 0) this.fail(this.line, `arm must be 'baseline' or 'candidate', got '${clip(armText)}'`);
    const seq = this.int(f[c.seq], 'seq', 0);
    const latency = this.int(f[c.latency], 'latency_ns', 1);
    const start = c.start >= 0 ? this.int(f[c.start], 'start_ns', 0) : -1;
    const status = c.status >= 0 ? this.int(f[c.status], 'status', 0) : -1;
    const conn = c.conn >= 0 ? this.int(f[c.conn], 'conn', 0) : -1;
    if (conn > MAX_CONN) this.fail(this.line, `conn must be at most ${MAX_CONN}, got '${conn}'`);
    this.add(round, arm, seq, latency, start, status, conn);
  }

  private parseHeader(line: string): Columns {
    const names = line.replace(/^\uFEFF/, '').split(',').map((s) => s.trim());
    const idx = (n: string) => names.indexOf(n);
    const missing = REQUIRED_COLUMNS.filter((n) => idx(n) < 0);
    if (missing.length > 0) {
      this.fail(1, `wrong header: expected ${EXPECTED}, got '${clip(line)}'`);
    }
    return {
      round: idx('round'),
      arm: idx('arm'),
      seq: idx('seq'),
      latency: idx('latency_ns'),
      start: idx('start_ns'),
      status: idx('status'),
      conn: idx('conn'),
      count: names.length,
    };
  }

  private int(text: string, name: string, min: number): number {
    const v = text.length > 0 && text.length < 20 ? Number(text) : NaN;
    if (!Number.isSafeInteger(v) || v < min) {
      const want = min > 0 ? `an integer > ${min - 1}` : 'an integer >= 0';
      this.fail(this.line, `${name} must be ${want}, got '${clip(text)}'`);
    }
    return v;
  }

  private toRoundData(b: RoundBuilder): RoundData {
    const seq = b.seq.values;
    const order = sortedOrder(seq);
    for (let i = 1; i < order.length; i++) {
      if (seq[order[i]] === seq[order[i - 1]]) {
        throw new UsageError(`${this.file}: round ${b.round} has seq ${seq[order[i]]} twice`);
      }
    }
    const identity = order.every((v, i) => v === i);
    const pick = (c: Column) => (identity ? c.values.slice() : Float64Array.from(order, (i) => c.data[i]));
    return {
      round: b.round,
      arm: Uint8Array.from(pick(b.arm)),
      seq: pick(b.seq),
      latencyNs: pick(b.latency),
      startNs: b.start.length > 0 ? pick(b.start) : null,
      status: b.status.length > 0 ? Int32Array.from(pick(b.status)) : null,
      conn: b.conn.length > 0 ? Uint8Array.from(pick(b.conn)) : null,
    };
  }

  private fail(line: number, what: string): never {
    throw new UsageError(`${this.file}:${line}: ${what}`);
  }
}

/** Indices ordering seq ascending; the identity (no sort) when the file is already in order. */
function sortedOrder(seq: Float64Array): Uint32Array {
  const order = new Uint32Array(seq.length);
  let sorted = true;
  for (let i = 0; i < seq.length; i++) {
    order[i] = i;
    if (i > 0 && seq[i] < seq[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => seq[a] - seq[b] || a - b);
  return order;
}

function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
