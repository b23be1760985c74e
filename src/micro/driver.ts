// The micro benchmark driver hook/build/micro (see hook/README.md): where it lives, building it on
// demand, running one process of it with or without LD_PRELOAD, and parsing its batches.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RunError, UsageError } from '../errors';
import { ensureTarget, packageRoot } from '../native';
import { sutEnvironment } from '../runtime/sut-env';

/** The functions hook/micro.c drives; every one the counting preload counts (src/cost/wrapped.ts COUNTABLE). */
export const MICRO_FUNCTIONS = [
  'read', 'readv', 'recv', 'recvfrom', 'recvmsg', 'write', 'writev', 'send', 'sendto', 'sendmsg',
  'accept', 'accept4', 'connect', 'close', 'epoll_wait', 'epoll_pwait', 'poll', 'open', 'openat',
] as const;
export type MicroFunction = (typeof MICRO_FUNCTIONS)[number];

export function isMicroFunction(s: string): s is MicroFunction {
  return (MICRO_FUNCTIONS as readonly string[]).includes(s);
}

export function driverPath(root = packageRoot()): string {
  return path.join(root, 'hook', 'build', 'micro');
}

/** The driver's path, building it with `make -C hook micro` when it is missing. */
export function ensureDriver(root = packageRoot()): Promise<string> {
  return ensureTarget(driverPath(root), 'the micro driver', 'micro', root);
}

export interface DriverOptions {
  function: MicroFunction;
  batches: number;
  batchSize: number;
  /** Warm-up batches, run first and not printed (driver default 1). */
  warmup?: number;
  /** Pin the driver to this CPU. */
  cpu?: number;
  /** Microseconds to sleep (untimed) before each batch. */
  pauseUs?: number;
  /** The hook to inject, or none: LD_PRELOAD is set on the driver process only. */
  ldPreload?: string;
  /** Base environment (default: sut-env's allowlist, the hook runs in the driver); any LD_PRELOAD in it is removed. */
  env?: NodeJS.ProcessEnv;
  /** Driver executable (default: ensureDriver()). */
  driver?: string;
  timeoutMs?: number;
}

export interface DriverRun {
  function: string;
  batchSize: number;
  /** Mean ns per call of each batch, in the order measured. */
  batches: Float64Array;
  stderr: string;
}

// The loader either skips a preload it cannot open ("... cannot be preloaded (...): ignored.", the
// process runs unhooked) or, when the preload itself loads but its dependencies do not, aborts the
// process with exit 127 ("error while loading shared libraries: ..."). Both mean: not measured.
const PRELOAD_REFUSED = /^.*ld\.so: object .* cannot be preloaded.*$/m;
const LOAD_FAILED = /^.*error while loading shared libraries: (.*)$/m;

/** Runs one driver process; throws RunError when the loader refuses the hook or the driver fails. */
export async function runDriver(opts: DriverOptions): Promise<DriverRun> {
  const exe = opts.driver ?? (await ensureDriver());
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? sutEnvironment()) };
  delete env.LD_PRELOAD;
  if (opts.ldPreload !== undefined) env.LD_PRELOAD = opts.ldPreload;
  const args = ['--function', opts.function, '--batches', String(opts.batches), '--batch-size', String(opts.batchSize)];
  if (opts.warmup !== undefined) args.push('--warmup', String(opts.warmup));
  if (opts.cpu !== undefined) args.push('--cpu', String(opts.cpu));
  if (opts.pauseUs !== undefined) args.push('--pause-us', String(opts.pauseUs));
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const r = await execute(exe, args, env, timeoutMs);
  const who = opts.ldPreload ? `under ${opts.ldPreload}` : 'without a hook';
  if (r.spawnError) throw new RunError(`cannot start the micro driver ${exe}: ${(r.spawnError as Error).message}`);
  const refused = PRELOAD_REFUSED.exec(r.stderr);
  if (refused && opts.ldPreload !== undefined) {
    throw new RunError(`the dynamic loader refused the hook ${opts.ldPreload}: ${refused[0].replace(/^ERROR:\s*/, '').trim()}`);
  }
  const failed = LOAD_FAILED.exec(r.stderr);
  if (failed && opts.ldPreload !== undefined && r.code === 127) {
    throw new RunError(`the dynamic loader refused the hook ${opts.ldPreload}: ${failed[1]!.trim()}`);
  }
  if (r.timedOut) throw new RunError(`the micro driver ${who} did not finish within ${timeoutMs} ms`);
  if (r.signal) throw new RunError(`the micro driver ${who} was killed by ${r.signal}${tail(r.stderr)}`);
  // Exit 2 is the driver's bad-argument exit (e.g. an unusable --cpu): one `micro: ...` line.
  if (r.code === 2 && /^micro: /.test(r.stderr)) throw new UsageError(r.stderr.trim().split('\n')[0]!);
  if (r.code !== 0) throw new RunError(`the micro driver ${who} exited with ${r.code}${tail(r.stderr)}`);
  return { ...parseDriverOutput(r.stdout, opts.batches), stderr: r.stderr };
}

/** Parses `# function=F batch_size=K` and one decimal per batch. */
export function parseDriverOutput(stdout: string, expectBatches?: number): Omit<DriverRun, 'stderr'> {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const head = /^# function=(\S+) batch_size=(\d+)$/.exec(lines[0] ?? '');
  if (!head) throw new RunError(`unexpected micro driver output: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const batches = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const v = Number(lines[i]);
    if (!/^\d+(\.\d+)?$/.test(lines[i]!.trim()) || !Number.isFinite(v)) {
      throw new RunError(`unexpected micro driver output line ${i + 1}: ${JSON.stringify(lines[i]!.slice(0, 80))}`);
    }
    batches[i - 1] = v;
  }
  if (expectBatches !== undefined && batches.length !== expectBatches) {
    throw new RunError(`the micro driver printed ${batches.length} batches, expected ${expectBatches}`);
  }
  return { function: head[1]!, batchSize: Number(head[2]), batches };
}

interface Executed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  spawnError?: unknown;
  timedOut?: boolean;
}

/** Not @actions/exec: the driver needs a timeout that kills it, and the signal that ended it is reported. */
function execute(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Executed> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, spawnError: err });
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The last two lines of stderr, for error messages. */
function tail(stderr: string): string {
  const t = stderr.trim().split('\n').slice(-2).join(' | ');
  return t ? `: ${t}` : '';
}
