// Shared set-up for the micro benchmark tests: build the hooks, driver and SUT once; scratch files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = path.join(ROOT, 'hook', 'build');
export const SUT = path.join(ROOT, 'examples', 'sut', 'build', 'sut');
export const hookPath = (name: string): string => path.join(BUILD, `${name}.so`);

export function buildAll(): void {
  execFileSync('make', ['-C', path.join(ROOT, 'hook')], { stdio: 'pipe' });
}

export function scratch(prefix = 'hook-latency-micro-test'): string {
  return mkdtempSync(path.join(tmpdir(), `${prefix}-`));
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
