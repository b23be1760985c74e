// The native load generator (hook/loadgen.c), run as the runtimes run it, against real loopback
// servers: the design it follows (the TypeScript schedule and mix are its specification), HTTP
// framing edge cases, errors and timeouts, rows streamed and flushed on a signal, the readiness wait,
// the exit codes, and its aarch64 build under qemu-user.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Prng, STREAM, deriveSeed } from '../../src/experiment/prng';
import { firstStarted, pairSchedule } from '../../src/experiment/schedule';
import { LOADGEN_DEFAULTS, type LoadgenConfig } from '../../src/loadgen/config';
import { LoadgenProcess, loadgenBinary } from '../../src/loadgen/native';
import { loadgenConfigText } from '../../src/loadgen/native-config';
import { mixTable, pickRequest, serializeRequest } from '../../src/loadgen/request';
import { COUNT_FILE_ENV, countPreloadPath } from '../../src/cost/count-preload';
import { ensureCross } from '../../src/runtime/pod/pin-arch';
import { SutProcess } from '../../src/runtime/local/sut-process';
import { countsFromOutput } from '../../src/runtime/pod/count';
import type { Sample } from '../../src/types';
import { hookSourcesCopy, ROOT, tempDir } from '../helpers';
import { buildAll, freePort, SUT } from '../micro/helpers';
import { FIXED_200, startHttpServer, startRawServer, type TestServer } from './servers';

const BIN = loadgenBinary(ROOT);
const dir = tempDir('native-loadgen');

beforeAll(() => {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hook'), 'loadgen']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function keep(...s: Array<Promise<TestServer>>): Promise<TestServer[]> {
  const v = await Promise.all(s);
  servers.push(...v);
  return v;
}

function config(b: TestServer | number, c: TestServer | number, extra: Partial<LoadgenConfig> = {}): LoadgenConfig {
  const port = (t: TestServer | number) => (typeof t === 'number' ? t : t.port);
  return {
    ...LOADGEN_DEFAULTS,
    seed: 42,
    targets: { baseline: { host: '127.0.0.1', port: port(b) }, candidate: { host: '127.0.0.1', port: port(c) } },
    warmupPerArm: 0,
    pairs: 10,
    timeoutMs: 2000,
    waitReadyMs: 0,
    ...extra,
  };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  rows: Sample[];
}

/**
 * Runs the binary (or `argv`, e.g. under qemu) with the config on stdin ("-"), or with `args` alone
 * when cfg is null. Asynchronous: the test servers run in this process.
 */
function run(cfg: LoadgenConfig | string | null, args: string[] = [], argv: string[] = [BIN], env = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, [...argv.slice(1), ...args, ...(cfg === null ? [] : ['-'])], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdin.on('error', () => {});
    p.stdin.end(cfg === null ? '' : typeof cfg === 'string' ? cfg : loadgenConfigText(cfg));
    p.on('close', (code, signal) => {
      const rows = stdout.split('\n').slice(1).filter(Boolean).map((l) => {
        const [round, arm, seq, latencyNs, startNs, status, conn] = l.split(',');
        return { round: Number(round), arm: arm as Sample['arm'], seq: Number(seq), latencyNs: Number(latencyNs), startNs: Number(startNs), status: Number(status), conn: Number(conn) };
      });
      resolve({ code, signal, stdout, stderr, rows });
    });
  });
}

const statuses = (r: Run, arm: string) => r.rows.filter((s) => s.arm === arm).map((s) => s.status);
/** With concurrency > 1 rows arrive as requests end: in seq order, and the statuses as a sorted list. */
const bySeq = (r: Run) => [...r.rows].sort((x, y) => x.seq - y.seq);
const sortedStatuses = (r: Run, arm: string) => statuses(r, arm).sort((x, y) => x! - y!);
const armNames = (sched: Uint8Array) => [...sched].map((a) => (a ? 'candidate' : 'baseline'));

describe('the design, as the TypeScript modules specify it', () => {
  it('xoshiro128** gives the published known answers from state {1,2,3,4}', () => {
    // Blackman & Vigna's xoshiro128starstar.c, the values src/experiment/prng.ts is tested against.
    const out = execFileSync(BIN, ['--xoshiro', '1', '2', '3', '4', '1001'], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(out.slice(0, 8)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    expect(out[1000]).toBe(136054147);
  });

  // Each request path names the request, so the servers' logs give the choice made for every row.
  const requests = [
    { method: 'GET', path: '/r0', weight: 3 },
    { method: 'GET', path: '/r1', weight: 0.25 },
    { method: 'POST', path: '/r2', body: 'x', weight: 1.5 },
    { method: 'GET', path: '/r3', weight: 0 },
  ];
  for (const [seed, round] of [[1, 0], [42, 3], [2 ** 31 + 5, 17], [-7, 4000000000], [123456789, 1]] as const) {
    it(`seed ${seed}, round ${round}: warm-up lead, pair coins and request mix equal the TypeScript schedule`, async () => {
      const [b, c] = await keep(startHttpServer(), startHttpServer());
      const warmupPerArm = 7;
      const pairs = 150;
      const r = await run(config(b!, c!, { seed, round, warmupPerArm, pairs, requests }));
      expect(r.code).toBe(0);
      const sched = pairSchedule(seed, round, pairs);
      expect(r.rows.map((s) => s.arm)).toEqual([...sched].map((a) => (a ? 'candidate' : 'baseline')));
      expect(r.rows.map((s) => s.seq)).toEqual(Array.from(sched, (_, i) => i));
      expect(r.rows.every((s) => s.round === round % 2 ** 32 && s.status === 200)).toBe(true);

      const cum = mixTable(requests);
      const warmRng = new Prng(deriveSeed(seed, round, STREAM.warmupMix));
      const mixRng = new Prng(deriveSeed(seed, round, STREAM.mix));
      const lead = firstStarted(seed, round);
      const expected = { baseline: [] as string[], candidate: [] as string[] };
      for (let k = 0; k < warmupPerArm; k++) {
        const path = requests[pickRequest(cum, warmRng)]!.path;
        expected[lead].push(path);
        expected[lead === 'baseline' ? 'candidate' : 'baseline'].push(path);
      }
      for (let k = 0; k < pairs; k++) {
        const path = requests[pickRequest(cum, mixRng)]!.path;
        expected.baseline.push(path);
        expected.candidate.push(path);
      }
      expect(b!.paths).toEqual(expected.baseline);
      expect(c!.paths).toEqual(expected.candidate);
      expect(new Set(b!.paths).size).toBe(3); // the mix really mixed; weight 0 never drawn
    });
  }
});

describe('concurrency N > 1: N closed loops, each running whole pairs on its own connection to either arm', () => {
  const requests = [
    { method: 'GET', path: '/r0', weight: 3 },
    { method: 'GET', path: '/r1', weight: 0.25 },
    { method: 'POST', path: '/r2', body: 'x', weight: 1.5 },
  ];
  /** The recorded pairs' request paths, in pair order, as src/loadgen/request.ts draws them. */
  function pairPaths(seed: number, round: number, pairs: number): string[] {
    const rng = new Prng(deriveSeed(seed, round, STREAM.mix));
    const cum = mixTable(requests);
    return Array.from({ length: pairs }, () => requests[pickRequest(cum, rng)]!.path);
  }

  for (const [seed, round, concurrency] of [[3, 0, 2], [42, 5, 4], [2 ** 31 + 9, 11, 8], [77, 1, 64]] as const) {
    it(`seed ${seed}, round ${round}, concurrency ${concurrency}: the pair coins and the mix by seq, each pair on one connection`, async () => {
      const [b, c] = await keep(startHttpServer(), startHttpServer());
      const pairs = 150;
      const r = await run(config(b!, c!, { seed, round, pairs, requests, concurrency }));
      expect(r.code).toBe(0);
      const rows = bySeq(r);
      expect(rows.map((s) => s.seq)).toEqual(Array.from({ length: 2 * pairs }, (_, i) => i));
      expect(rows.map((s) => s.arm)).toEqual(armNames(pairSchedule(seed, round, pairs)));
      expect(rows.every((s) => s.status === 200 && s.conn! >= 0 && s.conn! < concurrency)).toBe(true);
      for (let k = 0; k < pairs; k++) expect(rows[2 * k + 1]!.conn).toBe(rows[2 * k]!.conn);
      expect(new Set(rows.map((s) => s.conn)).size).toBe(concurrency); // every loop ran pairs
      // Keep-alive: one connection per loop and arm, and each connection saw exactly the requests of
      // the pairs its rows name, in pair order.
      const paths = pairPaths(seed, round, pairs);
      const perConn = (arm: string) =>
        Array.from({ length: concurrency }, (_, conn) => rows.filter((s) => s.arm === arm && s.conn === conn).map((s) => paths[s.seq >> 1]!).join(' '));
      for (const [server, arm] of [[b!, 'baseline'], [c!, 'candidate']] as const) {
        expect(server.connections).toBe(concurrency);
        expect(server.perConnection.map((p) => p.join(' ')).sort()).toEqual(perConn(arm).sort());
      }
    });
  }

  it('keeps exactly N requests in flight; warm-up pairs go first, led by the first-started arm, unrecorded', async () => {
    const [s] = await keep(startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 15)));
    const r = await run(config(s!, s!, { seed: 9, warmupPerArm: 6, pairs: 12, concurrency: 4, requests }));
    expect(r.code).toBe(0);
    expect(s!.maxInFlight).toBe(4);
    expect(r.rows).toHaveLength(24);
    const warm = new Prng(deriveSeed(9, 0, STREAM.warmupMix));
    const cum = mixTable(requests);
    const warmPaths = Array.from({ length: 6 }, () => requests[pickRequest(cum, warm)]!.path);
    const expected = [...warmPaths, ...warmPaths, ...pairPaths(9, 0, 12), ...pairPaths(9, 0, 12)].sort();
    expect([...s!.paths].sort()).toEqual(expected);
  });

  it("'new': a connection per request; errors, timeouts and framing as on one connection", async () => {
    const [b, c] = await keep(startHttpServer(), startHttpServer());
    const fresh = await run(config(b!, c!, { connection: 'new', pairs: 20, concurrency: 3 }));
    expect([fresh.code, b!.connections, c!.connections]).toEqual([0, 20, 20]);
    expect(fresh.rows.every((s) => s.status === 200)).toBe(true);

    const [silent] = await keep(startRawServer((sock, n) => (n % 3 === 0 ? undefined : sock.write(FIXED_200))));
    const t0 = Date.now();
    const slow = await run(config(b!, silent!, { pairs: 9, timeoutMs: 300, concurrency: 3 }));
    expect(slow.code).toBe(0);
    expect(sortedStatuses(slow, 'candidate')).toEqual([0, 0, 0, 200, 200, 200, 200, 200, 200]);
    expect(slow.stderr).toContain('loadgen: round 0: candidate: timeout after 300 ms\n');
    const timedOut = slow.rows.filter((s) => s.status === 0).map((s) => s.latencyNs / 1e6);
    expect(timedOut.every((ms) => ms >= 299 && ms < 2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);

    const refused = (await keep(startRawServer()))[0]!;
    await servers.pop()!.close();
    const r = await run(config(refused.port, c!, { pairs: 6, concurrency: 2 }));
    expect(statuses(r, 'baseline')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(statuses(r, 'candidate').every((x) => x === 200)).toBe(true);
    expect(r.stderr).toContain('loadgen: round 0: baseline: ECONNREFUSED\n');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('loadgen: done 12 samples, 6 errors');
  });

  it('SIGTERM flushes every measured row and exits 143', async () => {
    const [b, c] = await keep(startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 1)), startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 1)));
    const p = new LoadgenProcess([BIN], config(b!, c!, { warmupPerArm: 3, pairs: 100000, concurrency: 4 }));
    try {
      while (p.samples.length < 200) await new Promise((resolve) => setTimeout(resolve, 5)).then(() => p.poll());
      const rows = p.salvageSync();
      const exit = await p.exited;
      expect(exit.signal ?? exit.code).toBe(143);
      // Every answered request after the warm-up is a row (a request cut short by the signal is not).
      const answered = b!.paths.length + c!.paths.length - 6;
      expect(rows.length).toBeGreaterThanOrEqual(answered - 4);
      expect(rows.length).toBeLessThanOrEqual(answered);
      expect(new Set(rows.map((s) => s.seq)).size).toBe(rows.length);
    } finally {
      p.dispose();
    }
  });
});

describe('requests and responses', () => {
  it('sends the serialized bytes; keep-alive uses one connection per arm, timestamps increase', async () => {
    const [b, c] = await keep(startHttpServer(), startHttpServer());
    const r = await run(config(b!, c!, { warmupPerArm: 5, pairs: 50 }));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('loadgen: done 100 samples, 0 errors\n');
    expect([b!.connections, c!.connections]).toEqual([1, 1]);
    expect([b!.paths.length, c!.paths.length]).toEqual([55, 55]);
    for (let i = 1; i < r.rows.length; i++) expect(r.rows[i]!.startNs).toBeGreaterThan(r.rows[i - 1]!.startNs!);
    expect(r.rows.every((s) => s.latencyNs > 0)).toBe(true);
  });

  it("'new' opens one connection per request, and its latency includes the connect", async () => {
    const [b, c] = await keep(startHttpServer(), startHttpServer());
    const r = await run(config(b!, c!, { connection: 'new', pairs: 20 }));
    expect(r.code).toBe(0);
    expect([b!.connections, c!.connections]).toEqual([20, 20]);
    expect(statuses(r, 'candidate').every((s) => s === 200)).toBe(true);
  });

  for (const concurrency of [1, 3]) it(`concurrency ${concurrency}: parses chunked bodies split across writes, HEAD, 204, 304, 1xx, HTTP/1.0 and until-close bodies`, async () => {
    const responses = [
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '3;ext=1\r\nabc\r', '\n0\r\nX-Trailer: 1\r\n\r\n'],
      ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhe', 'llo'],
      ['HTTP/1.1 204 No Content\r\n\r\n'],
      ['HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n'],
      ['HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n'],
      ['HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'], // HTTP/1.0 without keep-alive: reconnect
      ['HTTP/1.1 200 OK\r\n\r\nbody until the close'], // no length: read to the close
      ['HTTP/1.1 202 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx'],
    ];
    const [c] = await keep(startRawServer((sock, n) => {
      const parts = responses[(n - 1) % responses.length]!;
      parts.forEach((p, i) => setTimeout(() => sock.write(p), 3 * i));
      if (n % responses.length === 7 || n % responses.length === 0) setTimeout(() => sock.end(), 3 * parts.length);
      if (n % responses.length === 6) setTimeout(() => sock.end(), 10);
    }));
    const [b] = await keep(startRawServer());
    const r = await run(config(b!, c!, { pairs: responses.length * 2, timeoutMs: 3000, concurrency }));
    expect(r.code).toBe(0);
    const expected = [200, 201, 204, 304, 500, 200, 200, 202];
    if (concurrency === 1) expect(statuses(r, 'candidate')).toEqual([...expected, ...expected]);
    else expect(sortedStatuses(r, 'candidate')).toEqual([...expected, ...expected].sort((x, y) => x - y));
    expect(r.stderr).toBe(`loadgen: done ${responses.length * 4} samples, 0 errors\n`);

    // HEAD: no body is read even though Content-Length says 10.
    const [h] = await keep(startRawServer((sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n')));
    const head = await run(config(b!, h!, { pairs: 4, requests: [{ method: 'HEAD', path: '/' }], concurrency }));
    expect(statuses(head, 'candidate')).toEqual([200, 200, 200, 200]);
    expect(h!.connections).toBe(Math.min(concurrency, 4));
  });

  it('records resets, garbage, refused connections and timeouts as status 0 with one line each, and keeps going', async () => {
    const [b] = await keep(startRawServer());
    const [reset] = await keep(startRawServer((sock) => sock.destroy()));
    const [garbage] = await keep(startRawServer((sock, n) => sock.write(n % 2 ? 'SPDY/9 nonsense\r\n\r\n' : FIXED_200)));
    const [silent] = await keep(startRawServer(() => {}));
    const refused = (await keep(startRawServer()))[0]!;
    const refusedPort = refused.port;
    await servers.pop()!.close();

    const r1 = await run(config(b!, reset!, { pairs: 5 }));
    expect(r1.code).toBe(0);
    expect(statuses(r1, 'candidate')).toEqual([0, 0, 0, 0, 0]);
    expect(statuses(r1, 'baseline')).toEqual([200, 200, 200, 200, 200]);
    expect(r1.stderr).toMatch(/^loadgen: round 0: candidate: (ECONNRESET|connection closed before response complete)\n/);
    expect(r1.stderr.trimEnd().split('\n').at(-1)).toBe('loadgen: done 10 samples, 5 errors');

    const r2 = await run(config(b!, garbage!, { pairs: 4 }));
    expect(statuses(r2, 'candidate')).toEqual([0, 200, 0, 200]);
    expect(r2.stderr).toContain('loadgen: round 0: candidate: malformed response: bad status line\n');

    const r3 = await run(config(refusedPort, b!, { pairs: 3 }));
    expect(statuses(r3, 'baseline')).toEqual([0, 0, 0]);
    expect(r3.stderr).toContain('loadgen: round 0: baseline: ECONNREFUSED\n');

    const t0 = Date.now();
    const r4 = await run(config(b!, silent!, { pairs: 2, timeoutMs: 200 }));
    expect(statuses(r4, 'candidate')).toEqual([0, 0]);
    expect(r4.stderr).toContain('loadgen: round 0: candidate: timeout after 200 ms\n');
    const timed = r4.rows.filter((s) => s.arm === 'candidate').map((s) => s.latencyNs / 1e6);
    expect(timed.every((ms) => ms >= 199 && ms < 1000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });

  it('counts errors over several rounds, each round its own rows', async () => {
    const [b, c] = await keep(startHttpServer(), startHttpServer((_q, res) => {
      res.statusCode = 503;
      res.end('no');
    }));
    const r = await run(config(b!, c!, { round: 4, rounds: 2, pairs: 6 }));
    expect(r.code).toBe(0);
    expect(r.rows.map((s) => s.round)).toEqual([...Array(12).fill(4), ...Array(12).fill(5)]);
    expect(statuses(r, 'candidate').every((s) => s === 503)).toBe(true);
    expect(r.stderr).toBe('loadgen: done 24 samples, 0 errors\n'); // an error status is a response
  });
});

describe('streaming, signals, readiness and exit codes', () => {
  it('streams rows in batches while it runs; SIGTERM flushes every measured row and exits 143', async () => {
    const [b, c] = await keep(startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 1)), startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 1)));
    const seen: number[] = [];
    const p = new LoadgenProcess([BIN], config(b!, c!, { warmupPerArm: 3, pairs: 100000 }), (all) => seen.push(all.length));
    try {
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          p.poll();
          if (p.samples.length >= 200) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      expect(seen.every((n) => n % 64 === 0)).toBe(true); // whole batches while the round runs
      const rows = p.salvageSync();
      const exit = await p.exited;
      expect(exit.signal ?? exit.code).toBe(143);
      // Every request the servers answered after the warm-up is a row: nothing measured is lost.
      expect(rows.length).toBe(b!.paths.length + c!.paths.length - 6);
      expect(rows.map((s) => s.seq)).toEqual(rows.map((_, i) => i));
    } finally {
      p.dispose();
    }
  });

  it('waits for the ready path; a target never ready: exit 3 and one line', async () => {
    let calls = 0;
    const [b] = await keep(startHttpServer((req, res) => {
      if (req.url === '/healthz' && ++calls < 3) res.statusCode = 503;
      res.end('ok');
    }));
    const ok = await run(config(b!, b!, { waitReadyMs: 3000, readyPath: '/healthz', pairs: 2 }));
    expect(ok.code).toBe(0);
    expect(calls).toBeGreaterThanOrEqual(3);

    const [never] = await keep(startHttpServer((_q, res) => {
      res.statusCode = 503;
      res.end();
    }));
    const r = await run(config(b!, never!, { waitReadyMs: 300, readyPath: '/healthz' }));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`loadgen: target candidate (127.0.0.1:${never!.port}/healthz) not ready after 300 ms: HTTP 503\n`);
    expect(r.stdout).toBe('');
  });

  it('bad config: exit 2 with one line, before anything starts', async () => {
    for (const [text, said] of [
      ['seed 1\n', 'loadgen config: both targets are required'],
      ['seed x\n', 'loadgen config: line 1: bad number for seed'],
      ['concurrency 65\n', 'loadgen config: line 1: bad number for concurrency'],
      ['seed 1\ntarget baseline 127.0.0.1 1\ntarget candidate 127.0.0.1 2\nrequest 3ff0000000000000 0 41 41\nconcurrency 0\n', 'loadgen config: concurrency must be 1..64'],
      ['bogus 1\n', 'loadgen config: line 1: unknown key bogus'],
      ['', 'loadgen config: seed is required'],
    ]) {
      const r = await run(text!);
      expect([r.code, r.stderr]).toEqual([2, `${said}\n`]);
    }
  });

  it('writes to `out` when set; cannot open it: exit 3', async () => {
    const [b] = await keep(startHttpServer());
    const out = join(dir, 'out.csv');
    const r = await run(config(b!, b!, { out, pairs: 3 }));
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('round,arm,seq,latency_ns,start_ns,status,conn');
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(7);
    const bad = await run(config(b!, b!, { out: join(dir, 'missing', 'out.csv') }));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^loadgen: cannot open output .*missing\/out\.csv: ENOENT\n$/);
  });
});

// The counting pod's half of call counting, and the local runtime's counting instance (no FILE).
describe('--count against the example SUT with the counting preload', () => {
  let sut: SutProcess | undefined;
  beforeAll(() => buildAll());
  afterEach(async () => sut?.stop());
  const countConfig = (port: number, file: string | undefined, connection: 'keep-alive' | 'new') => config(1, port, {
    connection,
    waitReadyMs: 5000,
    readyPath: '/healthz',
    requests: [{ method: 'GET', path: '/' }, { method: 'GET', path: '/healthz', weight: 2 }],
    count: { requests: 50, ...(file ? { file } : {}) },
  });

  for (const connection of ['keep-alive', 'new'] as const) {
    it(`${connection}: the snapshots around 50 requests, one write per request`, async () => {
      const port = await freePort();
      const file = join(dir, `counts-${connection}.txt`);
      sut = new SutProcess({ label: 'counting', command: [SUT, '{port}'], env: { [COUNT_FILE_ENV]: file }, port, preload: countPreloadPath() });
      await sut.waitReady('/healthz', 10_000);
      // The probe's connection: let the SUT close it before the first snapshot, or its close counts.
      await new Promise((r) => setTimeout(r, 200));
      const r = await run(countConfig(port, file, connection), ['--count']);
      expect(r.code).toBe(0);
      const counted = countsFromOutput(r.stdout, ['write', 'read', 'accept4', 'close'], 'test');
      expect(counted.requests).toBe(50);
      expect(counted.perRequest.write).toBe(1);
      // The connection's own calls (accept, its EAGAIN, the EOF read, close) count when it is kept alive.
      expect(counted.perRequest.accept4).toBeCloseTo(connection === 'new' ? 2 : 0.04, 2);
      expect(counted.perRequest.close).toBeCloseTo(connection === 'new' ? 1 : 0.02, 2);
    });
  }

  it('a SUT without the counting preload: exit 3 with one line; without FILE only the requests', async () => {
    const port = await freePort();
    const file = join(dir, 'no-preload.txt');
    sut = new SutProcess({ label: 'plain', command: [SUT, '{port}'], env: {}, port });
    await sut.waitReady('/healthz', 10_000);
    const r = await run(countConfig(port, file, 'keep-alive'), ['--count']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`loadgen: no ${file}.pid: the counting preload is not loaded in the SUT (statically linked, or LD_PRELOAD overridden?)\n`);
    const plain = await run(countConfig(port, undefined, 'keep-alive'), ['--count']);
    expect([plain.code, plain.stdout]).toEqual([0, 'requests 50\n']);
  });
});

describe('the serialized requests', () => {
  it('are what serializeRequest writes, per arm (the Host header differs)', () => {
    const cfg = config(1000, 2000, { requests: [{ method: 'post', path: '/a', body: 'é' }] });
    const line = loadgenConfigText(cfg).split('\n').find((l) => l.startsWith('request '))!.split(' ');
    expect(line[1]).toBe('3ff0000000000000'); // weight 1 as an IEEE-754 double
    expect(Buffer.from(line[3]!, 'hex')).toEqual(serializeRequest(cfg.requests[0]!, cfg.targets.baseline, true));
    expect(Buffer.from(line[4]!, 'hex').toString('latin1')).toContain('Host: 127.0.0.1:2000\r\n');
    expect(() => loadgenConfigText(config(1, 2, { targets: { baseline: { host: 'example.org', port: 1 }, candidate: { host: '::1', port: 2 } } }))).toThrow(
      'loadgen config: target baseline must be an IPv4 address or localhost, got "example.org"',
    );
  });
});

describe('aarch64 build', () => {
  it('cross-built like the pin wrapper, runs a round under qemu-user with the same schedule', async () => {
    const root = hookSourcesCopy();
    const bin = await ensureCross('loadgen', 'aarch64', root);
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync('file', [bin], { encoding: 'utf8' })).toMatch(/ARM aarch64.*statically linked/);
    const kat = execFileSync('qemu-aarch64', [bin, '--xoshiro', '1', '2', '3', '4', '8'], { encoding: 'utf8' });
    expect(kat.trim().split('\n').map(Number)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const [b, c] = await keep(startHttpServer(), startRawServer((sock) => sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')));
    const r = await run(config(b!, c!, { seed: 5, round: 2, pairs: 40, waitReadyMs: 2000 }), [], ['qemu-aarch64', bin]);
    expect(r.code).toBe(0);
    expect(r.rows.map((s) => s.arm)).toEqual([...pairSchedule(5, 2, 40)].map((a) => (a ? 'candidate' : 'baseline')));
    expect(r.rows.every((s) => s.status === 200)).toBe(true);
    const lanes = await run(config(b!, c!, { seed: 6, round: 3, pairs: 60, concurrency: 5 }), [], ['qemu-aarch64', bin]);
    expect(lanes.code).toBe(0);
    expect(bySeq(lanes).map((s) => s.arm)).toEqual(armNames(pairSchedule(6, 3, 60)));
    expect(lanes.rows.every((s) => s.status === 200)).toBe(true);
    expect(new Set(lanes.rows.map((s) => s.conn))).toEqual(new Set([0, 1, 2, 3, 4]));
    rmSync(root, { recursive: true, force: true });
  });
});

// Written by the config writer, read by the binary: a config file path works as well as stdin.
describe('config from a file or LOADGEN_CONFIG', () => {
  it('reads either', async () => {
    const [b] = await keep(startHttpServer());
    const file = join(dir, 'cfg.txt');
    const text = loadgenConfigText(config(b!, b!, { pairs: 2 }));
    writeFileSync(file, text);
    expect((await run(null, [file])).rows).toHaveLength(4);
    expect((await run(null, [], [BIN], { ...process.env, LOADGEN_CONFIG: text })).rows).toHaveLength(4);
  });
});
