// The native parts that ship with the package (hooks, micro driver, example SUT): where they are,
// building them on first use so a fresh clone runs without a separate build step, and checking that
// a hook is an ELF shared library before it goes into LD_PRELOAD.
import { getExecOutput } from '@actions/exec';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf, RunError, UsageError } from './errors';

const PACKAGE_NAME = 'hook-latency-action';

/**
 * The package root: the nearest ancestor holding a package.json named hook-latency-action, searched
 * from `from` if given, else from this module's directory (src/ in the sources, dist/ in the bundle)
 * and then from the working directory (for copies bundled elsewhere, e.g. by scripts/run-ts.mjs).
 * Null when there is none.
 */
function findPackageRoot(from?: string): string | null {
  const starts = from !== undefined ? [from] : [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isPackageRoot(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/** findPackageRoot, or a RunError when there is no package root. */
export function packageRoot(from?: string): string {
  const root = findPackageRoot(from);
  if (root === null) {
    throw new RunError(`cannot find the ${PACKAGE_NAME} package root above ${from ?? `${dirname(fileURLToPath(import.meta.url))} or ${process.cwd()}`}`);
  }
  return root;
}

function isPackageRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false; // no package.json here, or not ours (unreadable, not JSON)
  }
}

/**
 * FILE, building just make TARGET when it is missing (WHAT names it in errors); unlike ensureBuilt,
 * a file still missing after the build is an error.
 */
export async function ensureTarget(file: string, what: string, target: string, root = packageRoot()): Promise<string> {
  if (!existsSync(file)) await buildNative(what, target, root);
  if (!existsSync(file)) throw new RunError(`make -C ${join(root, 'hook')} ${target} did not produce ${file}`);
  return file;
}

export const EXAMPLE_SUT = () => join(packageRoot(), 'examples', 'sut', 'build', 'sut');

/**
 * Runs `make -C ROOT/hook [TARGET]` (the Makefile builds the hooks, the micro driver and the example
 * SUT); WHAT names the product in the RunError thrown when make is missing or fails. Through
 * @actions/exec, which logs the command line as Actions users know it (`[command]/usr/bin/make ...`,
 * on stderr: stdout may carry the verdict JSON). No timeout: @actions/exec has none, and a build of
 * a few small C files has no reason to hang.
 */
export async function buildNative(what: string, target?: string | string[], root = packageRoot()): Promise<void> {
  const hookDir = join(root, 'hook');
  const targets = target === undefined ? [] : Array.isArray(target) ? target : [target];
  const command = ['make', '-C', hookDir, ...targets].join(' ');
  if (!existsSync(join(hookDir, 'Makefile'))) throw new RunError(`cannot build ${what}: ${hookDir}/Makefile is missing`);
  let r;
  try {
    r = await getExecOutput('make', ['-s', '-C', hookDir, ...targets], { ignoreReturnCode: true, outStream: process.stderr });
  } catch (err) {
    // @actions/exec looks the tool up on PATH first and throws when it is not there.
    if (/Unable to locate executable file/.test(messageOf(err))) {
      throw new RunError(`cannot build ${what}: 'make' not found (install make and a C compiler such as gcc, then run ${command})`);
    }
    throw new RunError(`cannot build ${what} with ${command}: ${messageOf(err)}`);
  }
  if (r.exitCode === 0) return;
  const stderr = r.stderr.trim();
  const hint = /not found|No such file/i.test(stderr) ? ' (is a C compiler such as gcc installed?)' : '';
  const last = stderr.split('\n').slice(-3).join(' | ');
  throw new RunError(`cannot build ${what} with ${command}${hint}: ${last || `make exited with ${r.exitCode}`}`);
}

/** Builds the bundled hooks, micro driver and example SUT when a path inside their build folders is missing. */
export async function ensureBuilt(paths: string[]): Promise<void> {
  const absent = paths.filter((p) => !existsSync(p));
  if (absent.length === 0) return;
  const root = findPackageRoot();
  if (root === null) return; // none of them can be ours
  const buildDirs = [join(root, 'hook', 'build'), join(root, 'examples', 'sut', 'build')];
  if (absent.some((p) => buildDirs.some((d) => !relative(d, resolve(p)).startsWith('..')))) {
    await buildNative('the bundled hooks and example SUT', undefined, root);
  }
}

/** Why a file cannot be LD_PRELOADed as a shared library (see sharedLibraryProblem). */
export type LibraryProblem =
  | { kind: 'missing' }
  | { kind: 'unreadable'; code: string }
  | { kind: 'not-a-file' }
  | { kind: 'not-elf'; archive: boolean }
  | { kind: 'bad-encoding' }
  | { kind: 'not-dyn'; type: number };

/** The problem with PATH as an ELF shared object (magic, then e_type ET_DYN), or null when there is none. */
export function sharedLibraryProblem(path: string): LibraryProblem | null {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', code: code ?? 'error' };
  }
  if (!st.isFile()) return { kind: 'not-a-file' };
  let head: Buffer;
  try {
    head = readHead(path, 18);
  } catch (err) {
    return { kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'error' };
  }
  if (!isElf(head, 18)) return { kind: 'not-elf', archive: head.toString('latin1', 0, 8) === '!<arch>\n' };
  const data = head[5]; // EI_DATA: 1 little-endian, 2 big-endian
  if (data !== 1 && data !== 2) return { kind: 'bad-encoding' };
  const type = data === 1 ? head.readUInt16LE(16) : head.readUInt16BE(16);
  return type === 3 ? null : { kind: 'not-dyn', type };
}

/** The ELF header's e_machine (EM_X86_64 = 62, EM_AARCH64 = 183, ...) of PATH, or null when it is not ELF. */
export function elfMachine(path: string): number | null {
  let head: Buffer;
  try {
    head = readHead(path, 20);
  } catch {
    return null; // unreadable: checkSharedLibrary names why
  }
  if (!isElf(head, 20)) return null;
  return head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
}

/** Up to the first LENGTH bytes of PATH (fewer when it is shorter); errno errors are thrown. */
function readHead(path: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** HEAD is at least LENGTH bytes and starts with the ELF magic. */
function isElf(head: Buffer, length: number): boolean {
  return head.length >= length && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
}

/** A hook must be an ELF shared object; anything else is named in one clear line. */
export function checkSharedLibrary(path: string, what: string): void {
  const problem = sharedLibraryProblem(path);
  if (problem === null) return;
  let why = 'not a shared library (expected an ELF .so)';
  if (problem.kind === 'missing') why = 'no such file';
  else if (problem.kind === 'unreadable') why = `cannot be read (${problem.code})`;
  else if (problem.kind === 'not-a-file') why = 'not a file';
  throw new UsageError(`${what} ${path}: ${why}`);
}

/** The dynamic loader's complaint about a hook, if a SUT's output has one ("ld.so: object ... cannot be preloaded"). */
export function loaderMessage(log: string): string | undefined {
  return log.split('\n').find((l) => /ld\.so|cannot be preloaded|LD_PRELOAD/i.test(l))?.trim();
}
