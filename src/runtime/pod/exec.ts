// Runs external tools (podman, kubectl, kind) by argv, never through a shell, each with a timeout.
// Hand-written rather than @actions/exec, which meets neither need here: it has no timeout and does
// not expose the child to kill (a kubectl against a dead API server must not hang the run), and it
// echoes every byte of stdout unless silenced (`kubectl logs` carries the samples CSV, and the pod's
// JSON is polled every second).
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface ExecOptions {
  timeoutMs: number;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
}

export class ExecError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: ExecResult,
    readonly timedOut: boolean,
  ) {
    const what = timedOut ? 'timed out' : `exited with ${result.code}`;
    super(`${argv.join(' ')} ${what}${result.stderr.trim() ? `: ${cleanStderr(result.stderr)}` : ''}`);
  }
}

/** The non-blank lines of a tool's output, without harmless noise (podman: "failed to connect to syslog"). */
function meaningfulLines(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '' && !/failed to connect to syslog/i.test(l));
}

/** Drops harmless noise and trims. */
export function cleanStderr(s: string): string {
  return meaningfulLines(s).join('\n').trim();
}

/** The last lines of a log, for error messages (noise dropped as by cleanStderr). */
export function tail(text: string, lines = 15): string {
  return meaningfulLines(text).slice(-lines).join('\n');
}

/** Runs argv; resolves with code/stdout/stderr (never rejects on a non-zero exit). */
export function run(argv: string[], opts: ExecOptions): Promise<ExecResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs argv and throws ExecError unless it exits 0. */
export async function runOk(argv: string[], opts: ExecOptions): Promise<ExecResult> {
  let r;
  try {
    r = await run(argv, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExecError(argv, { code: 127, stdout: '', stderr: code === 'ENOENT' ? `${argv[0]}: not found on PATH` : String(e) }, false);
  }
  if (r.code !== 0 || r.timedOut) throw new ExecError(argv, r, r.timedOut);
  return r;
}
