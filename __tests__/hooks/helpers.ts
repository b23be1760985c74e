// Shared helpers for the hook / SUT / micro-driver tests: build once, start the
// example SUT on a free port, talk raw HTTP/1.1 over net sockets, and make sure
// every child process is killed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOOK_DIR = path.join(ROOT, 'hook');
export const BUILD = path.join(HOOK_DIR, 'build');
export const SUT = path.join(ROOT, 'examples/sut/build/sut');
export const MICRO = path.join(BUILD, 'micro');
export const hookPath = (name: string): string => path.join(BUILD, `${name}.so`);

export function buildAll(): void {
  execFileSync('make', ['-C', HOOK_DIR], { stdio: 'pipe' });
}

/** Environment without any inherited LD_PRELOAD / HOOK_* settings. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'LD_PRELOAD' || k.startsWith('HOOK_') || k === 'PORT' || k === 'HOST' || k === 'SUT_WORK_US') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

const live = new Set<ChildProcess>();

/** Kill every child still alive (call from afterEach / afterAll). */
export async function killAll(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const p of live) {
    if (p.exitCode === null && p.signalCode === null) {
      waits.push(new Promise((r) => p.once('exit', r)));
      p.kill('SIGKILL');
    }
  }
  live.clear();
  await Promise.all(waits);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Sut {
  proc: ChildProcess;
  pid: number;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

/** Start the SUT on port 0 (the OS picks) and wait for its "listening on" line. */
export async function startSut(env: Record<string, string> = {}, timeoutMs = 10_000): Promise<Sut> {
  const proc = spawn(SUT, ['0'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SUT not ready in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (.*):(\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[2]));
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`SUT exited before ready (${e.code ?? e.signal}); stderr: ${err}`));
    });
  });
  return { proc, pid: proc.pid!, port, stdout: () => out, stderr: () => err, exited };
}

export function mapsOf(pid: number): string {
  return readFileSync(`/proc/${pid}/maps`, 'utf8');
}

export interface Resp {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 client connection that parses Content-Length responses. */
export class RawConn {
  private buf = Buffer.alloc(0);
  closed = false;
  error: NodeJS.ErrnoException | null = null;
  private notify: (() => void) | null = null;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e;
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new RawConn(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const n = this.notify;
    this.notify = null;
    n?.();
  }

  private wait(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ms = deadline - Date.now();
      if (ms <= 0) return reject(new Error('timeout'));
      const t = setTimeout(() => {
        this.notify = null;
        reject(new Error('timeout'));
      }, ms);
      this.notify = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  write(data: string | Buffer): void {
    this.sock.write(data);
  }

  private tryParse(): Resp | null {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]!);
    if (!m) throw new Error(`bad status line: ${head[0]}`);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const len = Number(headers['content-length'] ?? '0');
    if (this.buf.length < end + 4 + len) return null;
    const body = this.buf.subarray(end + 4, end + 4 + len).toString();
    this.buf = this.buf.subarray(end + 4 + len);
    return { status: Number(m[1]), headers, body };
  }

  /** Wait for N complete responses. */
  async responses(n: number, timeoutMs = 5000): Promise<Resp[]> {
    const deadline = Date.now() + timeoutMs;
    const out: Resp[] = [];
    for (;;) {
      let r: Resp | null;
      while (out.length < n && (r = this.tryParse())) out.push(r);
      if (out.length >= n) return out;
      if (this.closed || this.error) {
        throw new Error(`connection ended after ${out.length}/${n} responses (${this.error?.code ?? 'closed'})`);
      }
      await this.wait(deadline);
    }
  }

  /** Wait until the server closes or resets the connection; returns unparsed bytes. */
  async ended(timeoutMs = 5000): Promise<{ error: string | null; rest: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) await this.wait(deadline);
    return { error: this.error?.code ?? null, rest: this.buf.toString() };
  }

  destroy(): void {
    this.sock.destroy();
  }
}

export function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
}

export function post(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median latency (ms) of N sequential GET / on one keep-alive connection. */
export async function medianLatencyMs(port: number, n: number): Promise<number> {
  const c = await RawConn.open(port);
  const lat: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      c.write(get('/'));
      const [r] = await c.responses(1);
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r!.status !== 200) throw new Error(`status ${r!.status}`);
    }
  } finally {
    c.destroy();
  }
  return median(lat);
}

/** Poll COND until it returns true (output from a child's pipes arrives asynchronously). */
export async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}
