// Locating, building and running the micro driver; parsing its output.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors';
import { driverPath, ensureDriver, parseDriverOutput, runDriver } from '../../src/micro/driver';
import { packageRoot } from '../../src/native';
import { buildAll, hookPath, ROOT, scratch, withEnv } from './helpers';

/** A copy of the package's hook/ sources (no build) under a fresh root named like the package. */
function freshRoot(): string {
  const root = scratch('hook-latency-root');
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'hook-latency-action' }));
  cpSync(path.join(ROOT, 'hook'), path.join(root, 'hook'), { recursive: true, filter: (src) => !src.includes(`${path.sep}build`) });
  return root;
}

beforeAll(() => buildAll());

describe('micro driver plumbing', () => {
  it('finds the package root from the sources, from dist/ and from a nested folder', () => {
    expect(packageRoot()).toBe(ROOT);
    expect(packageRoot(path.join(ROOT, 'dist'))).toBe(ROOT);
    expect(packageRoot(path.join(ROOT, 'src', 'micro'))).toBe(ROOT);
    expect(driverPath()).toBe(path.join(ROOT, 'hook', 'build', 'micro'));
  });

  it('skips package.json files of other packages on the way up', () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'something-else' }));
    mkdirSync(path.join(dir, 'a'));
    expect(() => packageRoot(path.join(dir, 'a'))).toThrow(RunError);
  });

  it('parses the header and one figure per batch', () => {
    const r = parseDriverOutput('# function=read batch_size=1000\n712.481\n700.000\n', 2);
    expect(r.function).toBe('read');
    expect(r.batchSize).toBe(1000);
    expect(Array.from(r.batches)).toEqual([712.481, 700]);
    expect(() => parseDriverOutput('hello\n')).toThrow(RunError);
    expect(() => parseDriverOutput('# function=read batch_size=10\nabc\n')).toThrow(/line 2/);
    expect(() => parseDriverOutput('# function=read batch_size=10\n1.0\n', 3)).toThrow(/expected 3/);
  });

  it('runs the driver with LD_PRELOAD on the driver only, and without it', async () => {
    const saved = process.env.LD_PRELOAD;
    const plain = await runDriver({ function: 'close', batches: 3, batchSize: 200 });
    expect(plain.batches).toHaveLength(3);
    const hooked = await runDriver({
      function: 'read',
      batches: 4,
      batchSize: 200,
      ldPreload: hookPath('readhook'),
      env: { ...process.env, HOOK_VERBOSE: '1' },
    });
    expect(hooked.batches).toHaveLength(4);
    expect(hooked.stderr).toMatch(/readhook/);
    expect(process.env.LD_PRELOAD).toBe(saved);
  });

  it('an LD_PRELOAD inherited from the environment is not passed on', async () => {
    const r = await runDriver({
      function: 'read',
      batches: 1,
      batchSize: 10,
      env: { ...process.env, LD_PRELOAD: hookPath('crash') },
    });
    expect(r.batches).toHaveLength(1);
  });

  it('builds the driver with make when it is missing', async () => {
    const root = freshRoot();
    expect(existsSync(driverPath(root))).toBe(false);
    const exe = await ensureDriver(root);
    expect(exe).toBe(driverPath(root));
    const r = await runDriver({ driver: exe, function: 'read', batches: 2, batchSize: 100 });
    expect(r.batches).toHaveLength(2);
  });

  it('without make: a clear error', async () => {
    const root = freshRoot();
    const err = await withEnv({ PATH: '/nonexistent' }, () => ensureDriver(root).then(() => null, (e: unknown) => e));
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toMatch(/'make' not found \(install make and a C compiler/);
  });
});
