// Real loopback servers for the loadgen tests (no mocks).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests seen so far (HTTP servers: in arrival order, as the request path). */
  paths: string[];
  /** The same paths, per TCP connection (in the order the connections were accepted). */
  perConnection: string[][];
  /** The most requests it held unanswered at once (HTTP servers). */
  maxInFlight: number;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A node:http server; the handler may answer now or later (or never). */
export async function startHttpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void = (_q, res) => res.end('ok'),
): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer({ keepAliveTimeout: 60_000 });
  const st: TestServer = {
    port: 0,
    connections: 0,
    paths: [],
    perConnection: [],
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const connectionPaths = new WeakMap<net.Socket, string[]>();
  let inFlight = 0;
  server.on('connection', (s: net.Socket) => {
    st.connections++;
    sockets.add(s);
    const paths: string[] = [];
    st.perConnection.push(paths);
    connectionPaths.set(s, paths);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req, res) => {
    st.paths.push(req.url ?? '');
    connectionPaths.get(req.socket)?.push(req.url ?? '');
    st.maxInFlight = Math.max(st.maxInFlight, ++inFlight);
    res.on('finish', () => inFlight--);
    req.resume();
    req.on('end', () => handler(req, res, st.paths.length));
  });
  st.port = await listen(server);
  return st;
}

/**
 * A raw net server: for every request head (ended by CRLFCRLF; requests have no body here) it calls
 * `respond(socket, n)`; default a fixed 200 with a 2-byte body.
 */
export async function startRawServer(
  respond: (sock: net.Socket, n: number) => void = (sock) => sock.write(FIXED_200),
): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const st: TestServer = {
    port: 0,
    connections: 0,
    paths: [],
    perConnection: [],
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((sock) => {
    st.connections++;
    sockets.add(sock);
    sock.setNoDelay(true);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let pending = '';
    sock.on('data', (d) => {
      pending += d.toString('latin1');
      let idx: number;
      while ((idx = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, idx);
        pending = pending.slice(idx + 4);
        st.paths.push(head.split(' ')[1] ?? '');
        respond(sock, st.paths.length);
      }
    });
  });
  st.port = await listen(server);
  return st;
}

export const FIXED_200 = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1');

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
