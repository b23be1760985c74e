// The ELF reader against binutils' nm (an independent reader of the same tables).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportedFunctions, exportedFunctionsOf } from '../../src/cost/elf-symbols';
import { classifyWrapped, libcPath } from '../../src/cost/wrapped';
import { parseCountFile, perRequestBetween } from '../../src/cost/count-file';
import { buildAll, ROOT } from '../micro/helpers';

beforeAll(() => buildAll());

/** nm -D --defined-only: the T (text), W (weak) and i (ifunc) symbols. */
function nmFunctions(file: string): string[] {
  const out = execFileSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8' });
  const names = out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3 && /^[TWi]$/.test(f[1]!)).map((f) => f[2]!.replace(/@.*$/, ''));
  return [...new Set(names)].sort();
}

describe('exported functions of a shared object', () => {
  const build = path.join(ROOT, 'hook', 'build');
  it('match nm -D for every hook built here, and for libc', () => {
    const files = readdirSync(build).filter((f) => f.endsWith('.so')).map((f) => path.join(build, f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of [...files, libcPath()]) expect(exportedFunctionsOf(f), f).toEqual(nmFunctions(f));
  });

  it('rejects what is not ELF', () => {
    expect(() => exportedFunctions(Buffer.from('#!/bin/sh\necho hello, not an ELF file at all here\n'), 'x.sh')).toThrow('x.sh is not an ELF file');
  });

  it('wrapped = exported by the hook and by libc; countable = those hook/count.c counts', () => {
    const w = classifyWrapped(['read', 'hook_init', 'writev', 'getaddrinfo'], new Set(['read', 'writev', 'getaddrinfo', 'printf']));
    expect(w).toEqual({ wrapped: ['getaddrinfo', 'read', 'writev'], countable: ['read', 'writev'], uncountable: ['getaddrinfo'] });
  });
});

describe('the counting preload\'s file', () => {
  it('is complete only with its end line', () => {
    expect(parseCountFile('read 3\nwrite 1\n')).toBeNull();
    expect(parseCountFile('read 3\nwrite 1\nend\n')).toEqual({ read: 3, write: 1 });
    expect(() => parseCountFile('read three\nend\n')).toThrow('unreadable line');
  });

  it('calls per request are the difference of two snapshots over the requests', () => {
    expect(perRequestBetween({ read: 10, close: 2 }, { read: 410, close: 2 }, ['read', 'close', 'recv'], 400)).toEqual({ read: 1, close: 0, recv: 0 });
  });
});
