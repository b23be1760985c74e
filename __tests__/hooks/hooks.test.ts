// The reference hooks, injected into the example SUT with LD_PRELOAD, for real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAll,
  get,
  hookPath,
  killAll,
  mapsOf,
  medianLatencyMs,
  post,
  RawConn,
  startSut,
  waitFor,
} from './helpers.js';

let tmp = '';
beforeAll(() => {
  buildAll();
  tmp = mkdtempSync(path.join(tmpdir(), 'hook-latency-hooks-'));
});
afterEach(async () => {
  await killAll();
});
afterAll(async () => {
  await killAll();
  rmSync(tmp, { recursive: true, force: true });
});

const ATTACK = post('/search', "name=x'; DROP TABLE users; --");

describe('hooks in the SUT', () => {
  it.each(['readhook', 'readhook-dlsym', 'noop', 'delay', 'crash'])('%s.so is mapped into the SUT', async (name) => {
    const so = hookPath(name);
    const sut = await startSut({ LD_PRELOAD: so, HOOK_DELAY_NS: '1000' });
    expect(mapsOf(sut.pid)).toContain(so);
    if (name !== 'crash') {
      const c = await RawConn.open(sut.port);
      c.write(get('/'));
      expect((await c.responses(1))[0]!.body).toBe('hello\n');
      c.destroy();
    }
  });

  it('HOOK_VERBOSE=1 announces the hook on stderr; silent otherwise', async () => {
    const quiet = await startSut({ LD_PRELOAD: hookPath('readhook') });
    const loud = await startSut({ LD_PRELOAD: hookPath('readhook'), HOOK_VERBOSE: '1' });
    await waitFor(() => loud.stderr().includes('loaded'));
    await sleep(50);
    expect(quiet.stderr()).toBe('');
    expect(loud.stderr()).toMatch(/hook-latency\[readhook\]: loaded, mode=log, keywords=3/);
  });

  for (const name of ['readhook', 'readhook-dlsym']) {
    it(`${name} HOOK_MODE=block resets a connection carrying "DROP TABLE", serves clean ones`, async () => {
      const sut = await startSut({ LD_PRELOAD: hookPath(name), HOOK_MODE: 'block' });
      const clean = await RawConn.open(sut.port);
      clean.write(post('/search', 'name=alice'));
      expect((await clean.responses(1))[0]!.status).toBe(200);

      const bad = await RawConn.open(sut.port);
      bad.write(ATTACK);
      const end = await bad.ended();
      expect(end.error).toBe('ECONNRESET');
      expect(end.rest).toBe('');

      clean.write(get('/'));
      expect((await clean.responses(1))[0]!.status).toBe(200);
      clean.destroy();
      await waitFor(() => sut.stderr().includes('blocked'));
      expect(sut.stderr()).toMatch(new RegExp(`hook-latency\\[${name}\\]: blocked keyword "DROP TABLE"`));
    });
  }

  it('HOOK_MODE=log (default) writes one stderr line and lets the request through', async () => {
    const sut = await startSut({ LD_PRELOAD: hookPath('readhook') });
    const c = await RawConn.open(sut.port);
    c.write(ATTACK);
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.write(post('/x', '<script>alert(1)</script>'));
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.destroy();
    await waitFor(() => sut.stderr().split('\n').length > 2);
    const lines = sut.stderr().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^hook-latency\[readhook\]: detected keyword "DROP TABLE" fd=\d+ pid=\d+$/);
    expect(lines[1]).toMatch(/detected keyword "<script"/);
  });

  it('HOOK_KEYWORDS and HOOK_KEYWORDS_FILE replace the default keywords', async () => {
    const sut = await startSut({ LD_PRELOAD: hookPath('readhook'), HOOK_MODE: 'block', HOOK_KEYWORDS: 'evil,bad word' });
    let c = await RawConn.open(sut.port);
    c.write(ATTACK); // not a keyword any more
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.write(post('/x', 'a bad word here'));
    expect((await c.ended()).error).toBe('ECONNRESET');

    const file = path.join(tmp, 'keywords.txt');
    writeFileSync(file, '# comment\nsecret-token\r\n\nUNION SELECT\n');
    const sut2 = await startSut({ LD_PRELOAD: hookPath('readhook'), HOOK_MODE: 'block', HOOK_KEYWORDS_FILE: file });
    c = await RawConn.open(sut2.port);
    c.write(get('/?q=comment'));
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.write(post('/x', '1 UNION SELECT password'));
    expect((await c.ended()).error).toBe('ECONNRESET');
  });

  it('crash.so kills the SUT with SIGSEGV on the first request', async () => {
    const sut = await startSut({ LD_PRELOAD: hookPath('crash') });
    expect(sut.proc.exitCode).toBeNull();
    const c = await RawConn.open(sut.port);
    c.write(get('/'));
    expect(await sut.exited).toEqual({ code: null, signal: 'SIGSEGV' });
    await c.ended();
  });

  it('delay.so with HOOK_DELAY_NS=2000000 puts a 2 ms floor under every request and slows the median by about that', async () => {
    const base = await startSut();
    const slow = await startSut({ LD_PRELOAD: hookPath('delay'), HOOK_DELAY_NS: '2000000' });
    await medianLatencyMs(base.port, 5); // warm-up
    await medianLatencyMs(slow.port, 5);
    const b = await medianLatencyMs(base.port, 41);
    const s = await medianLatencyMs(slow.port, 41);
    // The wait comes after the read, on every request: 2 ms is a floor under each slow request. The
    // difference of medians is the delay give or take the baseline's own noise (seen: 1.990 ms with
    // other work on the machine), so it is only held to most of it.
    expect(s).toBeGreaterThanOrEqual(2);
    expect(s - b).toBeGreaterThan(1.5);
    expect(s - b).toBeLessThan(20);
  });

  it('HOOK_STATS_FILE receives per-function call counts after SIGTERM', async () => {
    const stats = path.join(tmp, 'stats.txt');
    const sut = await startSut({ LD_PRELOAD: hookPath('readhook'), HOOK_STATS_FILE: stats });
    const c = await RawConn.open(sut.port);
    for (let i = 0; i < 10; i++) {
      c.write(get('/'));
      await c.responses(1);
    }
    c.destroy();
    await sleep(100);
    sut.proc.kill('SIGTERM');
    expect(await sut.exited).toEqual({ code: 0, signal: null });
    const text = readFileSync(stats, 'utf8');
    expect(text).toMatch(/^read \d+\nrecv \d+\naccept \d+\naccept4 \d+\nclose \d+\n$/);
    const n = Object.fromEntries(text.trim().split('\n').map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]));
    expect(n.read).toBe(11); // one read per request + the EOF read
    expect(n.recv).toBe(0);
    expect(n.accept4).toBeGreaterThanOrEqual(1);
    expect(n.close).toBeGreaterThanOrEqual(1);
  });
});
