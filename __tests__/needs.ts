// Tests that need a system tool a fresh machine may lack (Node, gcc and make are assumed): without it
// they are skipped with one line naming the Debian package to install; under CI=true, where .ci/run
// installs every package, a missing tool fails the test file instead.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { describe, expect } from 'vitest';
import { ROOT } from './helpers';

/** Tool (a command looked up on PATH, or an absolute path) → the Debian package(s) that install it. */
export type Tools = Record<string, string>;

/** The aarch64 cross compiler with its libc headers (arm64 hooks and the aarch64 pin wrapper). */
export const CROSS_COMPILER: Tools = { 'aarch64-linux-gnu-gcc': 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' };
/** qemu-user runs the aarch64 builds on this x86-64 machine. */
export const QEMU_AARCH64: Tools = { 'qemu-aarch64': 'qemu-user' };

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function found(tool: string): boolean {
  if (isAbsolute(tool)) return executable(tool);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, tool)));
}

// The missing tools of this test file not yet reported: one line reports those of all the needs()
// calls made while the file's top level runs (call needs() there, and the file gets one line).
const missing = new Map<string, string>();
let hint = '';

function reportMissing(file: string): void {
  process.stderr.write(`skipped: ${describeMissing(file, missing)}\n`);
  missing.clear();
}

function describeMissing(file: string, tools: Map<string, string>): string {
  const packages = [...new Set([...tools.values()].flatMap((p) => p.split(' ')))].join(' ');
  return `${file} needs ${[...tools.keys()].join(', ')} (apt-get install ${packages}${hint})`;
}

/**
 * `describe` when every tool is found, else `describe.skip` (or a failure under CI=true).
 * OR names another way to get them (e.g. a setup script), shown after the package names.
 */
export function needs(tools: Tools, or?: string): typeof describe.skip {
  const absent = Object.entries(tools).filter(([tool]) => !found(tool));
  if (absent.length === 0) return describe;
  const file = relative(ROOT, expect.getState().testPath ?? 'this test file');
  if (or) hint = `, or ${or}`;
  if (process.env.CI === 'true') {
    throw new Error(`${describeMissing(file, new Map(absent))}: missing under CI=true, where .ci/run installs it`);
  }
  if (missing.size === 0) queueMicrotask(() => reportMissing(file));
  for (const [tool, pkg] of absent) missing.set(tool, pkg);
  return describe.skip;
}
