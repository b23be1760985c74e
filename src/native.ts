// The native parts that ship with the package (hooks, micro driver, example SUT): where they are,
// and building them on first use so a fresh clone runs without a separate build step.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunError, UsageError } from './errors';

/** The package root: the nearest folder above this module (src/ or dist/) holding hook/Makefile. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'hook', 'Makefile'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const EXAMPLE_SUT = () => join(packageRoot(), 'examples', 'sut', 'build', 'sut');

/** Builds the bundled hooks, micro driver and example SUT when a path inside their build folders is missing. */
export function ensureBuilt(paths: string[]): void {
  const root = packageRoot();
  const buildDirs = [join(root, 'hook', 'build'), join(root, 'examples', 'sut', 'build')];
  const missing = paths.filter((p) => !existsSync(p) && buildDirs.some((d) => !relative(d, resolve(p)).startsWith('..')));
  if (missing.length === 0) return;
  try {
    execFileSync('make', ['-s', '-C', join(root, 'hook')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').slice(-1)[0];
    throw new RunError(`building the bundled hooks and example SUT failed (make -C hook): ${stderr || (err as Error).message}`);
  }
}

/** A hook must be an ELF shared object; anything else is named in one clear line. */
export function checkSharedLibrary(path: string, what: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`${what} ${path}: no such file`);
  }
  if (!st.isFile()) throw new UsageError(`${what} ${path}: not a file`);
  const head = Buffer.alloc(18);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 18, 0);
  } finally {
    closeSync(fd);
  }
  const isElf = head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
  const eType = head.readUInt16LE(16);
  if (!isElf || eType !== 3) throw new UsageError(`${what} ${path}: not a shared library (expected an ELF .so)`);
}
