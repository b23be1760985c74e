// The native load generator (hook/loadgen.c) as a child process of this host: the config goes in on
// its stdin, the samples CSV goes to a file this process reads as it grows (rows leave the child in
// batches of 64), so the rows of a round cut short are still here, and nothing of this process (its
// event loop, garbage collector, /proc reads) runs inside a timed request.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../errors';
import { ensureTarget, packageRoot } from '../native';
import type { Sample } from '../types';
import type { LoadgenConfig } from './config';
import { parseSampleRow } from './csv';
import { loadgenConfigText } from './native-config';

/** hook/build/loadgen (built by make -C hook loadgen on first use). */
export function loadgenBinary(root = packageRoot()): string {
  return join(root, 'hook', 'build', 'loadgen');
}

export function ensureLoadgen(): Promise<string> {
  return ensureTarget(loadgenBinary(), 'the load generator', 'loadgen');
}

export interface LoadgenExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its stderr lines ("loadgen: round N: <arm>: <error>", "loadgen: done ..."). */
  said: string[];
}

const POLL_MS = 5;
const READ_CHUNK = 1 << 16;
const SALVAGE_WAIT_MS = 3000;

/** One run of the load generator; `argv` is its command (e.g. the pin wrapper, then the binary). */
export class LoadgenProcess {
  readonly child: ChildProcess;
  readonly samples: Sample[] = [];
  readonly exited: Promise<LoadgenExit>;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hook-latency-loadgen-'));
  private readonly out = join(this.dir, 'samples.csv');
  private readonly fd: number;
  private offset = 0;
  private partial = '';
  private stderr = '';
  private exit: LoadgenExit | null = null;

  constructor(argv: string[], config: LoadgenConfig, private readonly onRows?: (all: readonly Sample[]) => void) {
    const text = loadgenConfigText(config);
    const outFd = openSync(this.out, 'w');
    try {
      this.child = spawn(argv[0]!, [...argv.slice(1), '-'], { stdio: ['pipe', outFd, 'pipe'] });
    } finally {
      closeSync(outFd);
    }
    this.fd = openSync(this.out, 'r');
    this.child.stdin!.on('error', () => {}); // a child that exits early: its exit code says why
    this.child.stdin!.end(text);
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString('utf8')));
    const timer = setInterval(() => this.poll(), POLL_MS);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        clearInterval(timer);
        this.poll();
        this.exit ??= { code, signal, said: this.said() };
        resolve(this.exit);
      };
      this.child.on('error', (err) => {
        this.stderr += `${err.message}\n`;
        finish(null, null);
      });
      this.child.on('close', finish);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  said(): string[] {
    return this.stderr.split('\n').filter((l) => l.trim() !== '');
  }

  /** Reads the rows written since the last call. */
  poll(): void {
    const buf = Buffer.alloc(READ_CHUNK);
    let got = 0;
    let text = '';
    while ((got = readSync(this.fd, buf, 0, buf.length, this.offset)) > 0) {
      this.offset += got;
      text += buf.toString('latin1', 0, got);
    }
    if (text === '') return;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    const before = this.samples.length;
    for (const line of lines) {
      const s = parseSampleRow(line);
      if (s) this.samples.push(s);
    }
    if (this.samples.length > before) this.onRows?.(this.samples);
  }

  /**
   * Ctrl-C: stops the load generator (it flushes every measured row on SIGTERM) and returns what it
   * wrote. Synchronous, for the exit path: waits until the child is a zombie or gone.
   */
  salvageSync(): Sample[] {
    if (this.exit === null && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const until = Date.now() + SALVAGE_WAIT_MS;
      while (Date.now() < until && isRunning(this.pid)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
    this.poll();
    return this.samples;
  }

  /** Everything the load generator wrote on stdout so far. */
  output(): string {
    return readFileSync(this.out, 'utf8');
  }

  /** Closes the output (after exit or salvage). */
  dispose(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Alive and not yet a zombie (a zombie has written and closed everything it had). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A RunError naming how the load generator ended, with its last words. */
export function loadgenFailure(what: string, exit: LoadgenExit): RunError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with ${exit.code}`;
  const said = exit.said.filter((l) => !l.startsWith('loadgen: done ')).slice(-3).join(' | ');
  return new RunError(`${what}: the load generator ${how}${said ? `: ${said}` : ''}`);
}

/** Runs the load generator to its end (e.g. `--count`); its stdout comes back as text. */
export async function runLoadgenToEnd(argv: string[], config: LoadgenConfig): Promise<{ exit: LoadgenExit; stdout: string }> {
  const p = new LoadgenProcess(argv, config);
  try {
    const exit = await p.exited;
    return { exit, stdout: p.output() };
  } finally {
    p.dispose();
  }
}
