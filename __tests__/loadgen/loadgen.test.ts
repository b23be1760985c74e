import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/types';
import { runRound, type RoundOptions } from '../../src/loadgen/loadgen';
import { firstStarted, pairSchedule } from '../../src/experiment/schedule';
import { median, startHttpServer, startRawServer, type TestServer } from './servers';

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function pair(b: Promise<TestServer>, c: Promise<TestServer>): Promise<[TestServer, TestServer]> {
  const v = await Promise.all([b, c]);
  servers.push(...v);
  return v;
}
function opts(b: TestServer, c: TestServer, extra: Partial<RoundOptions> = {}): RoundOptions {
  return {
    round: 0,
    seed: 42,
    targets: { baseline: { host: '127.0.0.1', port: b.port }, candidate: { host: '127.0.0.1', port: c.port } },
    warmupPerArm: 10,
    pairs: 100,
    connection: 'keep-alive',
    requests: [{ method: 'GET', path: '/' }],
    timeoutMs: 2000,
    ...extra,
  };
}
const lat = (s: Sample[], arm: string): number[] => s.filter((x) => x.arm === arm && x.status === 200).map((x) => x.latencyNs);

describe('runRound', () => {
  it('follows the pair schedule and records well-formed samples', async () => {
    const [b, c] = await pair(startHttpServer(), startHttpServer());
    const seen: Sample[] = [];
    const r = await runRound(opts(b, c, { round: 3, seed: 9, onSample: (s) => seen.push(s) }));
    expect(r.samples.length).toBe(200);
    expect(seen).toEqual(r.samples);
    const sched = pairSchedule(9, 3, 100);
    r.samples.forEach((s, i) => {
      expect(s.round).toBe(3);
      expect(s.seq).toBe(i);
      expect(s.arm).toBe(sched[i] ? 'candidate' : 'baseline');
      expect(s.status).toBe(200);
      expect(Number.isInteger(s.latencyNs) && s.latencyNs > 0).toBe(true);
      if (i > 0) expect(s.startNs!).toBeGreaterThan(r.samples[i - 1]!.startNs!);
    });
    expect(r.samples[0]!.startNs!).toBeGreaterThan(0);
    expect(r.errors).toEqual({ baseline: 0, candidate: 0 });
    expect(r.warmup).toEqual({ requests: 20, errors: 0 });
    expect(b.paths.length).toBe(110);
    expect(c.paths.length).toBe(110);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("the round's first-started arm leads every warm-up pair", async () => {
    const order: string[] = [];
    const server = (arm: string) => startHttpServer((_q, res) => {
      order.push(arm);
      res.end('ok');
    });
    const [b, c] = await pair(server('baseline'), server('candidate'));
    const rounds = [0, 1, 2, 3, 4, 5, 6, 7];
    const firsts = rounds.map((round) => firstStarted(42, round));
    expect(new Set(firsts).size).toBe(2);
    for (const round of rounds) {
      order.length = 0;
      await runRound(opts(b, c, { round, warmupPerArm: 3, pairs: 0 }));
      const lead = firsts[round]!;
      const other = lead === 'baseline' ? 'candidate' : 'baseline';
      expect(order, `round ${round}`).toEqual([lead, other, lead, other, lead, other]);
    }
  });

  it('keep-alive uses exactly one connection per arm', async () => {
    const [b, c] = await pair(startHttpServer(), startHttpServer());
    await runRound(opts(b, c));
    expect(b.connections).toBe(1);
    expect(c.connections).toBe(1);
  });

  it("'new' uses one connection per request, and connect time is in the latency", async () => {
    const [b, c] = await pair(startRawServer(), startRawServer());
    const r = await runRound(opts(b, c, { connection: 'new', warmupPerArm: 5, pairs: 50 }));
    expect(b.connections).toBe(55);
    expect(c.connections).toBe(55);
    expect(r.samples.every((s) => s.status === 200)).toBe(true);
  });

  it('shows a 2 ms server-side delay on the candidate as ~2 ms higher median latency', async () => {
    const [b, c] = await pair(
      startHttpServer((_q, res) => res.end('ok')),
      startHttpServer((_q, res) => setTimeout(() => res.end('ok'), 2)),
    );
    const r = await runRound(opts(b, c, { pairs: 300 }));
    const diffMs = (median(lat(r.samples, 'candidate')) - median(lat(r.samples, 'baseline'))) / 1e6;
    expect(diffMs).toBeGreaterThan(1.8);
    expect(diffMs).toBeLessThan(4);
  });

  it('records destroyed connections as status 0, counted per arm, and keeps going', async () => {
    const [b, c] = await pair(
      startRawServer(),
      startRawServer((sock, n) => (n % 5 === 0 ? sock.destroy() : sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))),
    );
    const r = await runRound(opts(b, c, { warmupPerArm: 0, pairs: 100 }));
    const zeros = r.samples.filter((s) => s.status === 0);
    expect(r.samples.length).toBe(200);
    expect(r.errors.baseline).toBe(0);
    expect(r.errors.candidate).toBe(20);
    expect(zeros.length).toBe(20);
    expect(zeros.every((s) => s.arm === 'candidate' && s.latencyNs > 0)).toBe(true);
    expect(r.errorMessages.length).toBeGreaterThan(0);
    expect(r.errorMessages.every((m) => m.startsWith('candidate: '))).toBe(true);
    // keep-alive reopened the candidate connection after each error (the 100th request was the last)
    expect(b.connections).toBe(1);
    expect(c.connections).toBe(20);
  });

  it('records a timeout as status 0 (server never answers, timeoutMs 200)', async () => {
    const [b, c] = await pair(startRawServer(), startRawServer(() => {}));
    const r = await runRound(opts(b, c, { warmupPerArm: 1, pairs: 2, timeoutMs: 200 }));
    expect(r.warmup).toEqual({ requests: 2, errors: 1 });
    expect(r.errors).toEqual({ baseline: 0, candidate: 2 });
    const cand = r.samples.filter((s) => s.arm === 'candidate');
    expect(cand.every((s) => s.status === 0 && s.latencyNs >= 190e6)).toBe(true);
    expect(r.errorMessages).toEqual(['candidate: timeout after 200 ms']);
  });

  it('counts refused connections per arm without throwing', async () => {
    const [b] = await pair(startRawServer(), startRawServer());
    const r = await runRound({
      ...opts(b, b, { warmupPerArm: 0, pairs: 5 }),
      targets: { baseline: { host: '127.0.0.1', port: b.port }, candidate: { host: '127.0.0.1', port: 1 } },
    });
    expect(r.errors).toEqual({ baseline: 0, candidate: 5 });
    expect(r.errorMessages[0]).toMatch(/^candidate: (ECONNREFUSED|EACCES)/);
  });

  it('respects the weighted request mix and sends the same request to both members of a pair', async () => {
    const order: Array<{ arm: string; path: string }> = [];
    const rec = (arm: string) => (sock: Socket) => {
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      order.push({ arm, path: '' });
    };
    const [b, c] = await pair(startRawServer(rec('baseline')), startRawServer(rec('candidate')));
    const weights = { '/a': 1, '/b': 2, '/c': 7 };
    const pairs = 2000;
    const warm = 4;
    await runRound(
      opts(b, c, {
        warmupPerArm: warm,
        pairs,
        requests: Object.entries(weights).map(([path, weight]) => ({ method: 'GET', path, weight })),
      }),
    );
    // Recover the global request order: the closed loop alternates strictly between servers' logs.
    const bi = { i: 0 };
    const ci = { i: 0 };
    for (const o of order) o.path = o.arm === 'baseline' ? b.paths[bi.i++]! : c.paths[ci.i++]!;
    expect(order.length).toBe(2 * (pairs + warm));
    for (let k = 0; k < order.length; k += 2) {
      expect(order[k]!.arm).not.toBe(order[k + 1]!.arm);
      expect(order[k]!.path).toBe(order[k + 1]!.path);
    }
    const recorded = order.slice(2 * warm).filter((_, i) => i % 2 === 0);
    const total = 10;
    for (const [path, w] of Object.entries(weights)) {
      const p = w / total;
      const share = recorded.filter((o) => o.path === path).length / pairs;
      expect(Math.abs(share - p)).toBeLessThan(3 * Math.sqrt((p * (1 - p)) / pairs));
    }
  });

  it('is reproducible: the same seed and round give the same arm order and request mix', async () => {
    const [b, c] = await pair(startRawServer(), startRawServer());
    const requests = [
      { method: 'GET', path: '/x', weight: 1 },
      { method: 'GET', path: '/y', weight: 1 },
    ];
    const r1 = await runRound(opts(b, c, { warmupPerArm: 0, pairs: 50, requests }));
    const p1 = [...b.paths];
    b.paths.length = 0;
    const r2 = await runRound(opts(b, c, { warmupPerArm: 0, pairs: 50, requests }));
    expect(r2.samples.map((s) => s.arm)).toEqual(r1.samples.map((s) => s.arm));
    expect(b.paths).toEqual(p1);
  });

  it('rejects a bad configuration up front', async () => {
    const [b, c] = await pair(startRawServer(), startRawServer());
    await expect(runRound(opts(b, c, { requests: [] }))).rejects.toThrow(/at least one request/);
    await expect(runRound(opts(b, c, { requests: [{ method: 'GET', path: '/', weight: 0 }] }))).rejects.toThrow(/sum to 0/);
  });
});
