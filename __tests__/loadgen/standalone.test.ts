import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_HEADER, formatSampleRow, formatSamplesCsv } from '../../src/loadgen/csv';
import { parseLoadgenConfig } from '../../src/loadgen/config';
import { startHttpServer, type TestServer } from './servers';
import { COUNT_FILE_ENV, countPreloadPath } from '../../src/cost/count-preload';
import { SutProcess } from '../../src/runtime/local-process';
import { countsFromOutput } from '../../src/runtime/pod-count';
import { buildAll, freePort, SUT } from '../micro/helpers';

describe('samples CSV', () => {
  it('formats rows per the contract', () => {
    expect(SAMPLES_HEADER).toBe('round,arm,seq,latency_ns,start_ns,status');
    expect(formatSampleRow({ round: 2, arm: 'candidate', seq: 7, latencyNs: 12345.6, startNs: 99, status: 200 })).toBe(
      '2,candidate,7,12346,99,200',
    );
    expect(formatSampleRow({ round: 0, arm: 'baseline', seq: 0, latencyNs: 5 })).toBe('0,baseline,0,5,,');
    expect(formatSamplesCsv([{ round: 0, arm: 'baseline', seq: 0, latencyNs: 5, startNs: 1, status: 0 }])).toBe(
      'round,arm,seq,latency_ns,start_ns,status\n0,baseline,0,5,1,0\n',
    );
  });
});

describe('loadgen config', () => {
  it('applies defaults and rejects bad input with one clear line', () => {
    const c = parseLoadgenConfig({ seed: 1, targets: { baseline: { host: 'a', port: 1 }, candidate: { port: 2 } } });
    expect(c).toMatchObject({ rounds: 1, round: 0, connection: 'keep-alive', readyPath: '/', targets: { candidate: { host: '127.0.0.1', port: 2 } } });
    expect(() => parseLoadgenConfig({ targets: c.targets })).toThrow(/'seed' is required/);
    expect(() => parseLoadgenConfig({ seed: 1, targets: c.targets, connection: 'x' })).toThrow(/connection/);
    expect(() => parseLoadgenConfig({ seed: 1, targets: { baseline: { port: 0 }, candidate: { port: 1 } } })).toThrow(/port/);
    expect(() => parseLoadgenConfig({ seed: 1, targets: c.targets, requests: [{ path: 'x' }] })).toThrow(/path/);
    expect(parseLoadgenConfig({ seed: 1, targets: c.targets, count: { requests: 5, file: '/c/counts.txt' } }).count).toEqual({ requests: 5, file: '/c/counts.txt' });
    expect(() => parseLoadgenConfig({ seed: 1, targets: c.targets, count: { requests: 5, file: 'counts.txt' } })).toThrow(/^loadgen config: 'count.file' must be an absolute path$/);
    expect(() => parseLoadgenConfig({ seed: 1, targets: c.targets, count: { requests: 0, file: '/c' } })).toThrow(/'requests' must be an integer >= 1/);
  });
});

describe('standalone loadgen bundle', () => {
  let dir: string;
  let bundle: string;
  let b: TestServer;
  let c: TestServer;

  beforeAll(async () => {
    buildAll();
    dir = mkdtempSync(join(tmpdir(), 'loadgen-'));
    bundle = join(dir, 'bundle.mjs');
    const res = await build({
      entryPoints: [join(import.meta.dirname, '../../src/loadgen/standalone.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      metafile: true,
      logLevel: 'silent',
    });
    // Single file: the only imports left are node builtins.
    const imports = Object.values(res.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.every((p) => p.startsWith('node:'))).toBe(true);
    b = await startHttpServer((req, res) => res.end(req.url === '/healthz' ? 'ready' : 'ok'));
    c = await startHttpServer((_q, res) => res.end('ok'));
  });
  afterAll(async () => {
    await b.close();
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function run(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const config = (extra: Record<string, unknown> = {}) => ({
    seed: 7,
    round: 4,
    rounds: 2,
    targets: { baseline: { host: '127.0.0.1', port: b.port }, candidate: { host: '127.0.0.1', port: c.port } },
    warmupPerArm: 5,
    pairs: 30,
    connection: 'keep-alive',
    requests: [{ method: 'GET', path: '/' }],
    timeoutMs: 2000,
    waitReadyMs: 3000,
    readyPath: '/healthz',
    ...extra,
  });

  it('writes the CSV header and one row per recorded request to stdout', async () => {
    const r = await run({ LOADGEN_CONFIG: JSON.stringify(config()) });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(SAMPLES_HEADER);
    expect(lines.length).toBe(1 + 2 * 2 * 30);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((f) => f.length === 6 && f[5] === '200' && Number(f[3]) > 0)).toBe(true);
    expect(new Set(rows.map((f) => f[0]))).toEqual(new Set(['4', '5']));
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('loadgen: done 120 samples, 0 errors');
  });

  it('reads a config file from argv[2] and writes to `out`', async () => {
    const out = join(dir, 'samples.csv');
    const cfgFile = join(dir, 'cfg.json');
    writeFileSync(cfgFile, JSON.stringify(config({ rounds: 1, connection: 'new', out })));
    const r = await run({ LOADGEN_CONFIG: '' }, [cfgFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(SAMPLES_HEADER);
    expect(lines.length).toBe(61);
  });

  it('exits 0 with request errors in the CSV as status 0', async () => {
    const r = await run({
      LOADGEN_CONFIG: JSON.stringify(config({ rounds: 1, waitReadyMs: 0, targets: { baseline: { port: b.port }, candidate: { port: 1 } } })),
    });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(1);
    expect(rows.filter((l) => l.split(',')[1] === 'candidate').every((l) => l.endsWith(',0'))).toBe(true);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('loadgen: done 60 samples, 30 errors');
  });

  it('exits 3 with one line when a target never becomes ready', async () => {
    const r = await run({
      LOADGEN_CONFIG: JSON.stringify(config({ waitReadyMs: 300, targets: { baseline: { port: b.port }, candidate: { port: 1 } } })),
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^loadgen: target candidate \(127\.0\.0\.1:1\/healthz\) not ready after 300 ms/);
  });

  describe('--count (the counting pod\'s loadgen) against the example SUT with the counting preload', () => {
    let sut: SutProcess | undefined;
    afterAll(async () => sut?.stop());
    const countConfig = (port: number, file: string, connection: string) =>
      JSON.stringify(config({ connection, targets: { baseline: { port: 1 }, candidate: { port } }, requests: [{ path: '/' }, { path: '/healthz', weight: 2 }], count: { requests: 50, file } }));

    for (const connection of ['keep-alive', 'new']) {
      it(`${connection}: the snapshots around 50 requests, one write per request`, async () => {
        const port = await freePort();
        const file = join(dir, `counts-${connection}.txt`);
        sut = new SutProcess({ label: 'counting', command: [SUT, '{port}'], env: { [COUNT_FILE_ENV]: file }, port, preload: countPreloadPath() });
        await sut.waitReady('/healthz', 10_000);
        const r = await run({ LOADGEN_CONFIG: countConfig(port, file, connection) }, ['--count']);
        await sut.stop();
        expect(r.code).toBe(0);
        const counted = countsFromOutput(r.stdout, ['write', 'read', 'accept4', 'close'], 'test');
        expect(counted.requests).toBe(50);
        expect(counted.perRequest.write).toBe(1);
        // The connection's own calls (accept, its EAGAIN, the EOF read, close) count when it is kept alive.
        expect(counted.perRequest.accept4).toBeCloseTo(connection === 'new' ? 2 : 0.04, 2);
        expect(counted.perRequest.close).toBeCloseTo(connection === 'new' ? 1 : 0.02, 2);
      });
    }

    it('a SUT without the counting preload: exit 3 with one line', async () => {
      const port = await freePort();
      const file = join(dir, 'no-preload.txt');
      sut = new SutProcess({ label: 'plain', command: [SUT, '{port}'], env: {}, port });
      await sut.waitReady('/healthz', 10_000);
      const r = await run({ LOADGEN_CONFIG: countConfig(port, file, 'keep-alive') }, ['--count']);
      await sut.stop();
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`loadgen: no ${file}.pid: the counting preload is not loaded in the SUT (statically linked, or LD_PRELOAD overridden?)\n`);
    });
  });

  it('exits 2 with one line on a bad config', async () => {
    const r = await run({ LOADGEN_CONFIG: '{"seed": 1' });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^loadgen config: LOADGEN_CONFIG is not valid JSON/);
  });
});
