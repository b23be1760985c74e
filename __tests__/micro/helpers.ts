// Shared set-up for the micro benchmark tests: the package's built parts (shared with the hook
// tests), scratch folders, captured output, environment and C compiler helpers.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { LOADGEN_DEFAULTS } from '../../src/loadgen/config';
import { loadgenBinary, runLoadgenToEnd } from '../../src/loadgen/native';
import { freePorts } from '../../src/runtime/local/local';

export { buildAll, hookPath, ROOT, SUT } from '../hooks/helpers';

export function scratch(prefix = 'hook-latency-micro-test'): string {
  return tempDir(prefix);
}

/** Captures what a command prints. */
export function capture(): { write: (t: string) => void; text: () => string } {
  let out = '';
  return { write: (t) => void (out += t), text: () => out };
}

/** Runs FN with extra environment variables set on this process, then restores them. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Compiles C source into DIR/NAME with the given gcc arguments; returns the output path. */
export function cc(dir: string, name: string, source: string, args: string[]): string {
  const src = path.join(dir, `${name}.c`);
  writeFileSync(src, source);
  const out = path.join(dir, name);
  execFileSync('cc', [...args, '-o', out, src], { cwd: dir, stdio: 'pipe' });
  return out;
}

/** N sequential GET / against the example SUT, on one keep-alive connection or a new connection each; returns n. */
export async function sequentialGets(port: number, n: number, keepAlive: boolean): Promise<number> {
  const target = { host: '127.0.0.1', port };
  const { exit } = await runLoadgenToEnd([loadgenBinary(), '--count'], {
    ...LOADGEN_DEFAULTS,
    seed: 1,
    targets: { baseline: target, candidate: target },
    connection: keepAlive ? 'keep-alive' : 'new',
    waitReadyMs: 0,
    count: { requests: n },
  });
  if (exit.code !== 0) throw new Error(`sequential GETs: ${exit.said.join(' | ')}`);
  return n;
}

/** A port the OS reports free right now (the local runtime's own freePorts). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
