// One SUT instance as a child process of this host: started with an allowlisted env (../sut-env.ts; our
// own LD_PRELOAD and the runner's tokens never reach it, the hook's LD_PRELOAD only the SUT), watched until ready, proven hooked through /proc/<pid>/maps, stopped and reaped. Spawned
// directly (not @actions/exec): the instance runs for a whole round and is stopped by signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../errors';
import { loaderMessage } from '../../native';
import { sutEnvironment } from '../sut-env';

const TAIL_BYTES = 4096;

export interface SutProcessOptions {
  label: string;
  command: string[];
  env: Record<string, string>;
  port: number;
  preload?: string;
}

export class SutProcess {
  readonly child: ChildProcess;
  private output = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;

  constructor(readonly opts: SutProcessOptions) {
    const env: Record<string, string> = { ...sutEnvironment(opts.env), PORT: String(opts.port) };
    if (opts.preload) env.LD_PRELOAD = opts.preload;
    const argv = opts.command.map((a) => a.replaceAll('{port}', String(opts.port)));
    this.child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.output += `\n${err.message}`;
        this.exit = { code: null, signal: null };
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines the SUT printed (stdout and stderr), for error messages. */
  tail(lines = 3): string {
    return this.output.trim().split('\n').filter((l) => l.trim()).slice(-lines).join(' | ');
  }

  describeExit(): string {
    if (!this.exit) return 'is running';
    if (this.exit.signal) return `was killed by ${this.exit.signal}`;
    if (this.exit.code === null) return 'could not be started';
    return `exited with code ${this.exit.code}`;
  }

  async waitReady(path: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) {
        const said = this.tail();
        throw new RunError(`SUT (${this.opts.label}) ${this.describeExit()} at start${said ? `: ${said}` : ''}`);
      }
      if ((await probe(this.opts.port, path)) === 200) return;
      await sleep(25);
    }
    const said = this.tail();
    throw new RunError(
      `SUT (${this.opts.label}) did not answer 200 on http://127.0.0.1:${this.opts.port}${path} within ${timeoutMs / 1000} s` +
        `${said ? `: ${said}` : ''} (does it listen on $PORT or {port}?)`,
    );
  }

  /** The hook must be mapped into the SUT; the loader only warns when it ignores LD_PRELOAD. */
  assertMapped(hook: string): void {
    const maps = readMaps(this.pid);
    const real = realpathSync(hook);
    if (maps.includes(real) || maps.includes(hook)) return;
    const loader = loaderMessage(this.output);
    throw new RunError(
      `hook was not loaded into the ${this.opts.label} SUT: ${hook}${loader ? `; the loader said: ${loader}` : ' (is the SUT statically linked or setuid?)'}`,
    );
  }

  async stop(graceMs = 2000): Promise<void> {
    if (!this.exit) {
      this.child.kill('SIGTERM');
      const killed = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!killed) this.child.kill('SIGKILL');
    }
    await this.exited;
  }

  /** Synchronous last resort (process exit handlers cannot wait). */
  killNow(): void {
    if (!this.exit) this.child.kill('SIGKILL');
  }
}

function readMaps(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return '';
  }
}

function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 500 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
