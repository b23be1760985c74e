// Building the native parts on first use (src/native.ts buildNative, through @actions/exec): the
// product is made, and a failing or missing make is one RunError line naming the command.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors';
import { buildNative } from '../../src/native';
import { tempDir } from '../helpers';

function packageWith(makefile: string): string {
  const root = tempDir('native-root');
  mkdirSync(join(root, 'hook'));
  writeFileSync(join(root, 'hook', 'Makefile'), makefile);
  return root;
}

describe('buildNative', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('runs make -C ROOT/hook TARGET', async () => {
    const root = packageWith('micro:\n\ttouch built-micro\n');
    await buildNative('the micro driver', 'micro', root);
    expect(existsSync(join(root, 'hook', 'built-micro'))).toBe(true);
  });

  it('a failing build: RunError with the command and the last lines of its stderr', async () => {
    const root = packageWith('all:\n\t@echo "cc: error: foo.c: No such file or directory" >&2; exit 1\n');
    const err = await buildNative('the bundled hooks', undefined, root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toMatch(
      new RegExp(`^cannot build the bundled hooks with make -C ${join(root, 'hook')} \\(is a C compiler such as gcc installed\\?\\): .*foo\\.c: No such file or directory`),
    );
  });

  it('no make on PATH: says to install make and a C compiler', async () => {
    const root = packageWith('all:\n\ttrue\n');
    process.env.PATH = tempDir('empty-path');
    const err = await buildNative('the bundled hooks', undefined, root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toBe(`cannot build the bundled hooks: 'make' not found (install make and a C compiler such as gcc, then run make -C ${join(root, 'hook')})`);
  });
});
