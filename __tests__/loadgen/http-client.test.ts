import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, ResponseParser, serializeRequest, type Endpoint } from '../../src/loadgen/http-client';
import { startHttpServer, startRawServer, type TestServer } from './servers';

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function keep<T extends TestServer>(s: Promise<T>): Promise<T> {
  const v = await s;
  servers.push(v);
  return v;
}
const target = (s: TestServer): Endpoint => ({ host: '127.0.0.1', port: s.port });
const GET = (t: Endpoint, path = '/', keepAlive = true): Buffer => serializeRequest({ method: 'GET', path }, t, keepAlive);

describe('serializeRequest', () => {
  it('writes the request line, Host, Connection, user headers and Content-Length', () => {
    const b = serializeRequest(
      { method: 'post', path: '/x?y=1', headers: { 'X-A': 'b', connection: 'upgrade' }, body: 'héllo' },
      { host: '127.0.0.1', port: 8080 },
      true,
    ).toString('utf8');
    expect(b).toBe('POST /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: b\r\nConnection: keep-alive\r\nContent-Length: 6\r\n\r\nhéllo');
    expect(GET({ host: '::1', port: 1 }, '/', false).toString()).toContain('Host: [::1]:1\r\nConnection: close\r\n');
    expect(() => serializeRequest({ method: 'GET', path: 'nope' }, { host: 'h', port: 1 }, true)).toThrow();
  });
});

describe('ResponseParser', () => {
  const feedAll = (p: ResponseParser, text: string, step: number): boolean => {
    const b = Buffer.from(text, 'latin1');
    let done = false;
    for (let i = 0; i < b.length; i += step) done = p.feed(b.subarray(i, i + step));
    return done;
  };
  const chunked =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n';
  it.each([1, 2, 3, 7, 1000])('parses a chunked response fed %i bytes at a time', (step) => {
    const p = new ResponseParser();
    expect(feedAll(p, chunked, step)).toBe(true);
    expect(p.status).toBe(200);
    expect(p.bodyBytes).toBe(31);
    expect(p.keepAlive).toBe(true);
  });
  it('skips 100 Continue, honours 204/HEAD, Connection: close and HTTP/1.0', () => {
    let p = new ResponseParser();
    expect(feedAll(p, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx', 4)).toBe(true);
    expect(p.status).toBe(201);
    p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toBe(true);
    p = new ResponseParser(true);
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'))).toBe(true);
    p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'))).toBe(true);
    expect(p.keepAlive).toBe(false);
    p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(true);
    expect(p.keepAlive).toBe(false);
    p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nabc'))).toBe(false);
    expect(p.untilClose).toBe(true);
  });
  it('rejects malformed responses', () => {
    expect(() => new ResponseParser().feed(Buffer.from('HTTX/1.1 200 OK\r\n\r\n'))).toThrow(/status line/);
    expect(() => new ResponseParser().feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'))).toThrow(/Content-Length/);
    expect(() => new ResponseParser().feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/chunk size/);
  });
});

describe('HttpClient', () => {
  it('reuses one keep-alive connection against node:http', async () => {
    const s = await keep(startHttpServer((_q, res) => res.end('hello')));
    const c = new HttpClient(target(s), { keepAlive: true, timeoutMs: 2000 });
    const buf = GET(target(s), '/a');
    for (let i = 0; i < 50; i++) {
      const r = await c.request(buf);
      expect(r).toMatchObject({ status: 200, bodyBytes: 5, connected: i === 0 });
      expect(r.latencyNs).toBeGreaterThan(0);
    }
    c.close();
    expect(c.connects).toBe(1);
    expect(s.connections).toBe(1);
    expect(s.paths.length).toBe(50);
  });

  it('parses real chunked responses from a raw server, split across writes', async () => {
    const s = await keep(
      startRawServer((sock) => {
        sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab');
        setTimeout(() => sock.write('c\r\n4\r\ndefg\r\n0\r\n\r\n'), 5);
      }),
    );
    const c = new HttpClient(target(s), { keepAlive: true, timeoutMs: 2000 });
    for (let i = 0; i < 3; i++) expect(await c.request(GET(target(s)))).toMatchObject({ status: 200, bodyBytes: 7 });
    c.close();
    expect(s.connections).toBe(1);
  });

  it('parses chunked responses from node:http (res.write without Content-Length)', async () => {
    const s = await keep(
      startHttpServer((_q, res) => {
        res.write('part1-');
        setTimeout(() => res.end('part2'), 2);
      }),
    );
    const c = new HttpClient(target(s), { keepAlive: true, timeoutMs: 2000 });
    expect(await c.request(GET(target(s)))).toMatchObject({ status: 200, bodyBytes: 11 });
    expect(await c.request(GET(target(s)))).toMatchObject({ status: 200, bodyBytes: 11 });
    c.close();
    expect(s.connections).toBe(1);
  });

  it("opens a new connection per request in 'new' mode", async () => {
    const s = await keep(startHttpServer());
    const c = new HttpClient(target(s), { keepAlive: false, timeoutMs: 2000 });
    for (let i = 0; i < 10; i++) expect(await c.request(GET(target(s), '/', false))).toMatchObject({ status: 200, connected: true });
    c.close();
    expect(s.connections).toBe(10);
  });

  it('reconnects after a Connection: close response and after a body delimited by close', async () => {
    const s = await keep(
      startRawServer((sock, n) => {
        if (n % 2) sock.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx');
        else sock.end('HTTP/1.1 202 OK\r\n\r\nuntil-close');
      }),
    );
    const c = new HttpClient(target(s), { keepAlive: true, timeoutMs: 2000 });
    expect(await c.request(GET(target(s)))).toMatchObject({ status: 200, bodyBytes: 1 });
    expect(await c.request(GET(target(s)))).toMatchObject({ status: 202, bodyBytes: 11 });
    expect(await c.request(GET(target(s)))).toMatchObject({ status: 200 });
    c.close();
    expect(s.connections).toBe(3);
  });

  it('turns refused connections, resets, timeouts and garbage into status 0 and recovers', async () => {
    // A port nobody listens on: bind, note the port, close.
    const tmp = net.createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    const dead = (tmp.address() as net.AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
    const refused = new HttpClient({ host: '127.0.0.1', port: dead }, { keepAlive: true, timeoutMs: 1000 });
    const r0 = await refused.request(GET({ host: '127.0.0.1', port: dead }));
    expect(r0).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
    refused.close();

    const s = await keep(
      startRawServer((sock, n) => {
        if (n === 1) sock.destroy(); // reset / close mid-request
        else if (n === 2) return; // never answer
        else if (n === 3) sock.write('garbage\r\n\r\n');
        else sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }),
    );
    const c = new HttpClient(target(s), { keepAlive: true, timeoutMs: 200 });
    const buf = GET(target(s));
    const r1 = await c.request(buf);
    expect(r1.status).toBe(0);
    expect(r1.error).toMatch(/ECONNRESET|closed/);
    const t = Date.now();
    const r2 = await c.request(buf);
    expect(r2).toMatchObject({ status: 0, error: 'timeout after 200 ms' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(r2.latencyNs).toBeGreaterThan(190e6);
    const r3 = await c.request(buf);
    expect(r3.status).toBe(0);
    expect(r3.error).toMatch(/^malformed response/);
    expect(await c.request(buf)).toMatchObject({ status: 200 });
    c.close();
    expect(s.connections).toBe(4);
    expect(await c.request(buf)).toMatchObject({ status: 0, error: 'client closed' });
  });
});
