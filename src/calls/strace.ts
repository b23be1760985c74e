// Calls of the hooked functions per request (docs/method.md, "Where the cost is", step 2; the
// paper's recommendation 7): run the SUT under `strace -f -c`, drive N requests against it, stop
// it, and divide strace's call counts by N.
//
// strace counts system calls, not libc calls: read -> read, recv -> recvfrom, send -> sendto,
// accept -> accept + accept4, open -> open + openat. Calls made while the SUT starts and stops
// (the loader reading libraries, closing their fds) are counted too: a few calls in all, so drive
// at least a few hundred requests.
import { connect } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { RunError } from '../errors';
import { sutEnvironment } from '../runtime/sut-env';

export interface CountCallsOptions {
  /** The SUT command line, e.g. ['examples/sut/build/sut', '0']. */
  command: string[];
  /** Environment of the SUT on top of this process's (LD_PRELOAD is never inherited). */
  env: Record<string, string>;
  /** The hook to inject into the SUT (only the SUT, never strace itself). */
  ldPreload?: string;
  /** Drives N requests against the started server on `port`, returns N. */
  run: (port: number) => Promise<number>;
  /** The hooked functions to count: read, recv, write, send, accept, accept4, close, open, ... */
  functions: string[];
  /** The SUT's readiness line on stdout; the port is the named group `port` or the last group. */
  readyPattern?: RegExp;
  /** How long to wait for the ready line (default 10 s) and for the SUT to stop (same). */
  timeoutMs?: number;
  /** strace executable (default: `strace` on PATH). */
  strace?: string;
  /**
   * A port chosen by the caller: `{port}` in the command and $PORT are set to it, and readiness is
   * a successful TCP connect instead of a ready line (for SUTs that print none).
   */
  port?: number;
}

export type CountCallsResult =
  | {
      /** Calls per request of each function, failed calls included (the hook runs on those too). */
      perRequest: Record<string, number>;
      requests: number;
      /** Of those, the calls per request that returned an error (e.g. accept4's EAGAIN ending an accept loop). */
      errorsPerRequest: Record<string, number>;
    }
  | { unavailable: string };

export const STRACE_MISSING = 'strace not found: install strace to count calls per request';

/** System calls that implement each libc function (x86-64 and aarch64 glibc). */
const SYSCALLS: Record<string, string[]> = {
  read: ['read'],
  recv: ['recvfrom'],
  recvfrom: ['recvfrom'],
  write: ['write'],
  send: ['sendto'],
  sendto: ['sendto'],
  accept: ['accept', 'accept4'],
  accept4: ['accept4'],
  close: ['close'],
  open: ['open', 'openat'],
};

export function syscallsFor(fn: string): string[] {
  const s = SYSCALLS[fn];
  if (s) return s;
  if (/^[a-z_][a-z0-9_]*$/.test(fn)) return [fn];
  throw new RunError(`cannot count calls of '${fn}': not a function name`);
}

const DEFAULT_READY = /listening on (?:\S+):(?<port>\d+)/;

export async function countCalls(opts: CountCallsOptions): Promise<CountCallsResult> {
  if (opts.command.length === 0) throw new RunError('countCalls: empty command');
  if (opts.functions.length === 0) throw new RunError('countCalls: no functions to count');
  const straceExe = opts.strace ?? 'strace';
  const probe = await probeStrace(straceExe);
  if (probe) return { unavailable: probe };

  const syscalls = [...new Set(opts.functions.flatMap(syscallsFor))];
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'hook-latency-strace-'));
  const outFile = path.join(dir, 'strace.txt');
  const env: NodeJS.ProcessEnv = sutEnvironment(opts.env);
  const command = opts.port === undefined ? opts.command : opts.command.map((a) => a.replaceAll('{port}', String(opts.port)));
  if (opts.port !== undefined) env.PORT = String(opts.port);
  const args = ['-f', '-c', '-e', `trace=${syscalls.join(',')}`, '-o', outFile];
  if (opts.ldPreload !== undefined) args.push('-E', `LD_PRELOAD=${opts.ldPreload}`);
  args.push('--', ...command);

  // Spawned directly (not @actions/exec): the SUT runs under strace while requests are driven, then is stopped by signal.
  const child = spawn(straceExe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let stopping = false;
  try {
    const port =
      opts.port !== undefined
        ? await waitPort(opts.port, exited, timeoutMs)
        : await waitReady(child, () => stdout, () => stderr, exited, opts.readyPattern ?? DEFAULT_READY, timeoutMs);
    if (typeof port === 'object') return port;
    const requests = await opts.run(port);
    if (!(Number.isInteger(requests) && requests > 0)) throw new RunError(`countCalls: the run callback returned ${requests} requests`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new RunError(`the SUT exited while requests were running${lastLine(stderr)}`);
    }
    stopping = true;
    await stop(child, exited, timeoutMs);
    const counts = parseStraceSummary(readFileSync(outFile, 'utf8'));
    const perRequest: Record<string, number> = {};
    const errorsPerRequest: Record<string, number> = {};
    for (const fn of opts.functions) {
      const rows = syscallsFor(fn).map((sc) => counts[sc] ?? { calls: 0, errors: 0 });
      perRequest[fn] = rows.reduce((s, r) => s + r.calls, 0) / requests;
      errorsPerRequest[fn] = rows.reduce((s, r) => s + r.errors, 0) / requests;
    }
    return { perRequest, requests, errorsPerRequest };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      if (!stopping) for (const pid of childrenOf(child.pid!)) safeKill(pid, 'SIGKILL');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** null when strace runs; else why it cannot be used (a note, not a failure). */
async function probeStrace(exe: string): Promise<string | null> {
  return new Promise((resolve) => {
    const p = spawn(exe, ['-V'], { stdio: 'ignore' });
    p.once('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      resolve(code === 'ENOENT' ? STRACE_MISSING : `strace cannot be started (${code ?? err.message}): calls per request not counted`);
    });
    p.once('exit', (code) => resolve(code === 0 ? null : `strace -V exited with ${code}: calls per request not counted`));
  });
}

async function waitReady(
  child: ChildProcess,
  stdout: () => string,
  stderr: () => string,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>,
  pattern: RegExp,
  timeoutMs: number,
): Promise<number | { unavailable: string }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      f();
    };
    const check = () => {
      const m = pattern.exec(stdout());
      if (!m) return;
      const raw = m.groups?.port ?? m[m.length - 1];
      const port = Number(raw);
      finish(() =>
        Number.isInteger(port) && port > 0 && port < 65536
          ? resolve(port)
          : reject(new RunError(`the SUT's ready line has no usable port: ${JSON.stringify(m[0])}`)),
      );
    };
    const timer = setTimeout(
      () => finish(() => reject(new RunError(`the SUT under strace printed no ready line within ${timeoutMs} ms${lastLine(stderr())}`))),
      timeoutMs,
    );
    child.stdout!.on('data', check);
    void exited.then((e) =>
      finish(() => {
        const err = stderr();
        // ptrace refused (containers without CAP_SYS_PTRACE, seccomp, yama): an environment limit.
        if (/strace: .*(ptrace|Operation not permitted)/i.test(err)) {
          resolve({ unavailable: `strace cannot trace here (${firstStraceLine(err)}): calls per request not counted` });
        } else {
          reject(new RunError(`the SUT exited under strace before it was ready (${e.error?.message ?? e.code ?? e.signal})${lastLine(err)}`));
        }
      }),
    );
    check();
  });
}

/** Readiness by TCP connect to a known port. */
async function waitPort(port: number, exited: Promise<unknown>, timeoutMs: number): Promise<number> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return port;
    await sleep(25);
  }
  throw new RunError(gone ? 'the SUT exited under strace before it was ready' : `the SUT under strace did not accept connections on port ${port} within ${timeoutMs} ms`);
}

/** SIGTERM to the traced SUT (strace then writes its summary and exits); SIGKILL after the timeout. */
async function stop(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
): Promise<void> {
  const kids = childrenOf(child.pid!);
  if (kids.length > 0) for (const pid of kids) safeKill(pid, 'SIGTERM');
  else child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    for (const pid of childrenOf(child.pid!)) safeKill(pid, 'SIGKILL');
    child.kill('SIGKILL');
    await exited;
    throw new RunError(`the SUT did not stop within ${timeoutMs} ms of SIGTERM`);
  }
}

/** Direct children of PID (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    const txt = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    if (txt) return txt.split(/\s+/).map(Number);
  } catch {
    // no CONFIG_PROC_CHILDREN: scan /proc below
  }
  const out: number[] = [];
  try {
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(e));
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

function safeKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Parses the table `strace -c` writes:
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ----------------
 *    50.00    0.000010           5         2           read
 * -> { read: { calls: 2, errors: 0 }, ... } (the `total` row is left out; the errors column may be empty).
 */
export function parseStraceSummary(text: string): Record<string, { calls: number; errors: number }> {
  const out: Record<string, { calls: number; errors: number }> = {};
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /\bcalls\b/.test(l) && /\bsyscall\b/.test(l));
  if (header < 0) throw new RunError(`no strace -c summary found${text.trim() ? `: ${JSON.stringify(text.trim().slice(0, 120))}` : ' (empty output)'}`);
  for (const line of lines.slice(header + 1)) {
    const t = line.trim();
    if (t === '' || /^-+(\s+-+)*$/.test(t)) continue;
    const m = /^([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(?:(\d+)\s+)?(\S+)$/.exec(t);
    if (!m) continue;
    const name = m[6]!;
    if (name === 'total') continue;
    const row = (out[name] ??= { calls: 0, errors: 0 });
    row.calls += Number(m[4]);
    row.errors += m[5] !== undefined ? Number(m[5]) : 0;
  }
  return out;
}

function lastLine(s: string): string {
  const l = s.trim().split('\n').pop();
  return l ? `: ${l}` : '';
}

function firstStraceLine(s: string): string {
  return (s.split('\n').find((l) => l.startsWith('strace:')) ?? s.trim().split('\n')[0] ?? '').trim();
}
