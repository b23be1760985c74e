// The example SUT (examples/sut/server.c), for real: routes, keep-alive,
// pipelining, split requests, malformed input, shutdown.
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildAll, cleanEnv, get, killAll, post, RawConn, startSut, SUT } from './helpers.js';

beforeAll(() => buildAll());
afterEach(async () => {
  await killAll();
});

describe('example SUT', () => {
  it('prints the real port when started on port 0 and serves GET / via node http', async () => {
    const sut = await startSut();
    expect(sut.stdout()).toMatch(/^listening on 127\.0\.0\.1:\d+\n/);
    expect(sut.port).toBeGreaterThan(0);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const fetchOnce = (path: string) =>
      new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: sut.port, path, agent }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
          })
          .on('error', reject);
      });
    const root = await fetchOnce('/');
    expect(root).toMatchObject({ status: 200, body: 'hello\n' });
    expect(root.headers['content-length']).toBe('6');
    expect(await fetchOnce('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await fetchOnce('/nope')).status).toBe(404);
    expect((await fetchOnce('/?x=1')).status).toBe(200);
    agent.destroy();
  });

  it('keeps one connection alive for 100 requests', async () => {
    const sut = await startSut();
    const c = await RawConn.open(sut.port);
    for (let i = 0; i < 100; i++) {
      c.write(get(i % 2 ? '/' : '/healthz'));
      const [r] = await c.responses(1);
      expect(r!.status).toBe(200);
      expect(r!.body).toBe(i % 2 ? 'hello\n' : 'ok\n');
    }
    expect(c.closed).toBe(false);
    c.destroy();
  });

  it('answers pipelined requests in order', async () => {
    const sut = await startSut();
    const c = await RawConn.open(sut.port);
    c.write(get('/') + get('/missing') + post('/p', 'abcdefgh') + get('/healthz'));
    const rs = await c.responses(4);
    expect(rs.map((r) => [r.status, r.body])).toEqual([
      [200, 'hello\n'],
      [404, 'not found\n'],
      [200, '8\n'],
      [200, 'ok\n'],
    ]);
    c.destroy();
  });

  it('reassembles requests split across reads, body included', async () => {
    const sut = await startSut();
    const c = await RawConn.open(sut.port);
    const req = post('/upload', 'x'.repeat(5000)) + get('/');
    for (const part of [req.slice(0, 7), req.slice(7, 30), req.slice(30, 2000), req.slice(2000)]) {
      c.write(part);
      await sleep(30);
    }
    const rs = await c.responses(2);
    expect(rs.map((r) => r.body)).toEqual(['5000\n', 'hello\n']);
    c.destroy();
  });

  it('serves several concurrent keep-alive connections', async () => {
    const sut = await startSut();
    const conns = await Promise.all([0, 1, 2, 3, 4].map(() => RawConn.open(sut.port)));
    for (let round = 0; round < 5; round++) {
      for (const c of conns) c.write(get('/'));
      for (const c of conns) expect((await c.responses(1))[0]!.status).toBe(200);
    }
    for (const c of conns) c.destroy();
  });

  it('WORKERS=4: four threads, each serving the connections handed to it; SIGTERM still exits 0', async () => {
    const sut = await startSut({ WORKERS: '4', SUT_WORK_US: '20000' });
    const conns = await Promise.all([0, 1, 2, 3].map(() => RawConn.open(sut.port)));
    for (let round = 0; round < 5; round++) {
      for (const c of conns) c.write(get('/'));
      for (const c of conns) expect((await c.responses(1))[0]!.status).toBe(200);
    }
    const tasks = readdirSync(`/proc/${sut.proc.pid}/task`);
    expect(tasks).toHaveLength(4);
    // Each thread busy-waited 5 x 20 ms for its own connection: CPU time on every one of them.
    const cpuTicks = (tid: string) => {
      const stat = readFileSync(`/proc/${sut.proc.pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
    };
    for (const tid of tasks) expect(cpuTicks(tid)).toBeGreaterThanOrEqual(2);
    sut.proc.kill('SIGTERM');
    expect(await sut.exited).toEqual({ code: 0, signal: null });
    for (const c of conns) c.destroy();
    for (const bad of ['0', '65', 'two']) {
      const r = spawnSync(SUT, ['0'], { env: cleanEnv({ WORKERS: bad }), encoding: 'utf8', timeout: 5000 });
      expect([r.status, r.stderr.trim()]).toEqual([2, `sut: bad WORKERS: ${bad} (want 1..64)`]);
    }
  });

  it('honours Connection: close and HTTP/1.0', async () => {
    const sut = await startSut();
    const c = await RawConn.open(sut.port);
    c.write(get('/', 'Connection: close\r\n'));
    const [r] = await c.responses(1);
    expect(r!.headers['connection']).toBe('close');
    expect((await c.ended()).rest).toBe('');
    const d = await RawConn.open(sut.port);
    d.write('GET / HTTP/1.0\r\n\r\n');
    expect((await d.responses(1))[0]!.status).toBe(200);
    await d.ended();
  });

  it('answers malformed input with 400 and closes, and keeps serving', async () => {
    const sut = await startSut();
    for (const bad of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET / HTTP/1.1\r\nno-colon-here\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
      'GET /\x00 HTTP/1.1\r\n\r\n',
    ]) {
      const c = await RawConn.open(sut.port);
      c.write(bad);
      const [r] = await c.responses(1);
      expect(r!.status).toBe(400);
      await c.ended();
    }
    const big = await RawConn.open(sut.port);
    big.write('GET / HTTP/1.1\r\nX: ' + 'a'.repeat(40000));
    expect((await big.responses(1))[0]!.status).toBe(431);
    await big.ended();
    const c = await RawConn.open(sut.port);
    c.write(get('/'));
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.destroy();
    expect(sut.proc.exitCode).toBeNull();
  });

  it('exits 0 on SIGTERM and on SIGINT', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const sut = await startSut();
      const c = await RawConn.open(sut.port);
      c.write(get('/'));
      await c.responses(1);
      sut.proc.kill(sig);
      expect(await sut.exited).toEqual({ code: 0, signal: null });
      c.destroy();
    }
  });

  it('rejects a bad port with exit 2', () => {
    const r = spawnSync(SUT, ['70000'], { env: cleanEnv(), encoding: 'utf8', timeout: 5000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad port/);
  });

  it('binds HOST from the environment', async () => {
    const sut = await startSut({ HOST: '0.0.0.0' });
    expect(sut.stdout()).toMatch(/^listening on 0\.0\.0\.0:\d+/);
    const c = await RawConn.open(sut.port);
    c.write(get('/'));
    expect((await c.responses(1))[0]!.status).toBe(200);
    c.destroy();
  });
});
