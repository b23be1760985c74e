// A hook too large to travel to a pod (ConfigMaps) is bad input: exit 2, one line, before any
// cluster tool runs (a fake kubectl first on PATH would log any call).
import { closeSync, existsSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../action/runner';
import { cli, ROOT, tempDir } from '../helpers';

beforeAll(() => buildDist());

describe('the hook size cap in a pod', () => {
  it.each(['kubernetes', 'kind'])('runtime %s: a 33 MiB hook is refused with exit 2 and one line', (runtime) => {
    const dir = tempDir('hook-cap');
    const hook = join(dir, 'huge.so');
    const fd = openSync(hook, 'w');
    ftruncateSync(fd, 33 << 20); // sparse: the size is what counts
    closeSync(fd);
    writeFileSync(join(dir, 'gate.yml'), `runtime: ${runtime}\nhook: huge.so\nsut:\n  image: example.org/sut:1\n`);
    const log = join(dir, 'calls.jsonl');
    const r = cli(['run', '--config', join(dir, 'gate.yml')], { env: { PATH: `${join(ROOT, '__tests__/fakes')}:${process.env.PATH}`, FAKE_LOG: log, GITHUB_ACTIONS: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`hook-latency: hook ${hook} is 33.0 MiB; a pod takes hooks of at most 32 MiB (they travel in ConfigMaps)`]);
    expect(existsSync(log)).toBe(false);
  });
});
