// A minimal HTTP/1.1 client over net.Socket for latency measurement.
//
// Why not node:http: its agent, header objects, and stream machinery add tens of microseconds and
// their own jitter per request, which would swamp the microsecond effects of a function hook. Here a
// request is a pre-serialized Buffer written to a TCP_NODELAY socket, and the response is parsed in
// place (status line, headers, Content-Length / chunked / until-close body) with no allocation
// beyond the chunks the socket delivers. One request in flight per client (closed loop).
//
// Errors never throw: connection refused/reset, timeouts and malformed responses resolve with
// status 0 and an error string; the connection is dropped and the next request reconnects.
import net from 'node:net';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  weight?: number;
}

export interface HttpResult {
  /** HTTP status, or 0 for a transport error (then `error` says what happened). */
  status: number;
  error?: string;
  /** hrtime.bigint() when timing started: just before the write (keep-alive) or the connect ('new'). */
  startNs: bigint;
  /** Nanoseconds from startNs until the full response was parsed (or the error), at least 1. */
  latencyNs: number;
  bodyBytes: number;
  /** True when this request opened a new TCP connection. */
  connected: boolean;
}

export interface HttpClientOptions {
  /** Per-request timeout, covering connect (when one is needed) and the whole response. */
  timeoutMs: number;
  /**
   * true: one persistent connection, reopened after an error or a `Connection: close` response;
   * connect time is NOT part of the latency. false: a new connection per request, closed after the
   * response; connect time IS part of the latency (the only way accept/close hooks show).
   */
  keepAlive: boolean;
}

export function hostHeader(target: Endpoint): string {
  const h = target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host;
  return `${h}:${target.port}`;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Serializes one request once, so the hot loop only writes a Buffer. */
export function serializeRequest(spec: RequestSpec, target: Endpoint, keepAlive: boolean): Buffer {
  const method = spec.method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new Error(`bad HTTP method: ${JSON.stringify(spec.method)}`);
  if (!spec.path.startsWith('/') || /[\s]/.test(spec.path)) {
    throw new Error(`bad request path (must start with / and contain no whitespace): ${JSON.stringify(spec.path)}`);
  }
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
  const user = spec.headers ?? {};
  const lower = new Set(Object.keys(user).map((k) => k.toLowerCase()));
  let head = `${method} ${spec.path} HTTP/1.1\r\n`;
  if (!lower.has('host')) head += `Host: ${hostHeader(target)}\r\n`;
  for (const [k, v] of Object.entries(user)) {
    const name = k.toLowerCase();
    if (name === 'connection' || name === 'content-length' || name === 'transfer-encoding') continue;
    if (/[\r\n:]/.test(k) || /[\r\n]/.test(v)) throw new Error(`bad header ${JSON.stringify(k)}`);
    head += `${k}: ${v}\r\n`;
  }
  head += `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n`;
  if (body !== undefined || METHODS_WITH_BODY.has(method)) head += `Content-Length: ${body?.length ?? 0}\r\n`;
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return body === undefined ? h : Buffer.concat([h, body]);
}

// ---------------------------------------------------------------------------------------------
// Response parser

const HEAD = 0;
const BODY_LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_CRLF = 4;
const TRAILERS = 5;
const BODY_UNTIL_CLOSE = 6;
const DONE = 7;

const MAX_HEAD = 64 * 1024;
const MAX_LINE = 8 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;

export class MalformedResponse extends Error {}

/** Incremental HTTP/1.x response parser for exactly one response (1xx interim responses skipped). */
export class ResponseParser {
  status = 0;
  /** Whether the connection may carry another request after this response. */
  keepAlive = true;
  bodyBytes = 0;
  /** Bytes received after the end of the response (the connection is then not reused). */
  extraBytes = 0;
  private state = HEAD;
  private pending: Buffer | null = null;
  private remaining = 0;

  constructor(private readonly headRequest = false) {}

  get done(): boolean {
    return this.state === DONE;
  }

  /** Whether the body is delimited by the connection closing. */
  get untilClose(): boolean {
    return this.state === BODY_UNTIL_CLOSE;
  }

  /** Feeds bytes; returns true when the response is complete. Throws MalformedResponse. */
  feed(chunk: Buffer): boolean {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case HEAD: {
          const idx = buf.indexOf(CRLFCRLF, pos);
          if (idx < 0) {
            if (buf.length - pos > MAX_HEAD) throw new MalformedResponse('response head too large');
            this.pending = buf.subarray(pos);
            return false;
          }
          this.parseHead(buf.toString('latin1', pos, idx));
          pos = idx + 4;
          break;
        }
        case BODY_LENGTH: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          this.bodyBytes += n;
          pos += n;
          if (this.remaining === 0) this.state = DONE;
          break;
        }
        case CHUNK_SIZE:
        case TRAILERS: {
          const eol = buf.indexOf(13, pos);
          if (eol < 0 || eol + 1 >= buf.length) {
            if (buf.length - pos > MAX_LINE) throw new MalformedResponse('chunk line too long');
            this.pending = buf.subarray(pos);
            return false;
          }
          if (buf[eol + 1] !== 10) throw new MalformedResponse('bare CR in chunk framing');
          const line = buf.toString('latin1', pos, eol);
          pos = eol + 2;
          if (this.state === TRAILERS) {
            if (line === '') this.state = DONE;
            break;
          }
          const hex = line.split(';', 1)[0]!.trim();
          if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new MalformedResponse(`bad chunk size ${JSON.stringify(line)}`);
          const size = parseInt(hex, 16);
          if (size === 0) this.state = TRAILERS;
          else {
            this.remaining = size;
            this.state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          this.bodyBytes += n;
          pos += n;
          if (this.remaining === 0) this.state = CHUNK_CRLF;
          break;
        }
        case CHUNK_CRLF: {
          if (buf.length - pos < 2) {
            this.pending = buf.subarray(pos);
            return false;
          }
          if (buf[pos] !== 13 || buf[pos + 1] !== 10) throw new MalformedResponse('missing CRLF after chunk');
          pos += 2;
          this.state = CHUNK_SIZE;
          break;
        }
        case BODY_UNTIL_CLOSE:
          this.bodyBytes += buf.length - pos;
          return false;
        case DONE:
          this.extraBytes += buf.length - pos;
          this.keepAlive = false;
          return true;
      }
    }
    return this.state === DONE;
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) throw new MalformedResponse(`bad status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const minor = m[1]!;
    const status = Number(m[2]);
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MalformedResponse(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') {
        const v = line.slice(colon + 1).trim();
        if (!/^\d{1,15}$/.test(v)) throw new MalformedResponse(`bad Content-Length ${JSON.stringify(v)}`);
        const n = Number(v);
        if (contentLength >= 0 && contentLength !== n) throw new MalformedResponse('conflicting Content-Length');
        contentLength = n;
      } else if (name === 'transfer-encoding') {
        const codings = line.slice(colon + 1).toLowerCase().split(',');
        chunked = codings[codings.length - 1]!.trim() === 'chunked';
      } else if (name === 'connection') {
        connection += ',' + line.slice(colon + 1).toLowerCase();
      }
    }
    if (status >= 100 && status < 200 && status !== 101) return; // interim response: parse the next head
    this.status = status;
    const tokens = connection.split(',').map((s) => s.trim());
    this.keepAlive = minor === '1' ? !tokens.includes('close') : tokens.includes('keep-alive');
    if (status === 101) {
      this.keepAlive = false;
      this.state = DONE;
    } else if (this.headRequest || status === 204 || status === 304) {
      this.state = DONE;
    } else if (chunked) {
      this.state = CHUNK_SIZE;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? DONE : BODY_LENGTH;
    } else {
      this.keepAlive = false;
      this.state = BODY_UNTIL_CLOSE;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Client

interface Pending {
  resolve: (r: HttpResult) => void;
  parser: ResponseParser;
  buf: Buffer;
  t0: bigint;
  connected: boolean;
  timer: NodeJS.Timeout;
  written: boolean;
}

function errorString(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}

/** One logical connection to one target, one request in flight at a time. */
export class HttpClient {
  /** How many TCP connections this client has opened. */
  connects = 0;
  private socket: net.Socket | null = null;
  private ready = false;
  private pending: Pending | null = null;
  private closed = false;

  constructor(
    readonly target: Endpoint,
    readonly options: HttpClientOptions,
  ) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
  }

  /** Sends a pre-serialized request; resolves with the status or a status-0 error. Never rejects. */
  request(buf: Buffer, opts: { head?: boolean } = {}): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => {
      const t0 = process.hrtime.bigint();
      if (this.pending !== null) {
        resolve({ status: 0, error: 'request already in flight', startNs: t0, latencyNs: 1, bodyBytes: 0, connected: false });
        return;
      }
      if (this.closed) {
        resolve({ status: 0, error: 'client closed', startNs: t0, latencyNs: 1, bodyBytes: 0, connected: false });
        return;
      }
      const needConnect = this.socket === null || !this.options.keepAlive;
      if (needConnect) this.dropSocket();
      const p: Pending = {
        resolve,
        parser: new ResponseParser(opts.head === true),
        buf,
        t0,
        connected: needConnect,
        timer: setTimeout(() => this.fail(`timeout after ${this.options.timeoutMs} ms`), this.options.timeoutMs),
        written: false,
      };
      this.pending = p;
      if (needConnect) this.connect();
      else this.write(p);
    });
  }

  /** Closes the connection; later requests resolve with an error. */
  close(): void {
    this.closed = true;
    if (this.pending !== null) this.fail('client closed');
    this.dropSocket();
  }

  private write(p: Pending): void {
    const sock = this.socket!;
    // Keep-alive: the clock starts just before the write. 'new': it started before connect.
    if (this.options.keepAlive) p.t0 = process.hrtime.bigint();
    p.written = true;
    sock.write(p.buf);
  }

  private connect(): void {
    const sock = net.connect({ host: this.target.host, port: this.target.port, noDelay: true });
    sock.setNoDelay(true);
    this.socket = sock;
    this.ready = false;
    this.connects++;
    sock.on('connect', () => {
      if (this.socket !== sock) return;
      this.ready = true;
      if (this.pending !== null && !this.pending.written) this.write(this.pending);
    });
    sock.on('data', (chunk: Buffer) => {
      if (this.socket !== sock) return;
      const p = this.pending;
      if (p === null) {
        // Bytes nobody asked for: the connection's framing can no longer be trusted.
        this.dropSocket();
        return;
      }
      let complete: boolean;
      try {
        complete = p.parser.feed(chunk);
      } catch (err) {
        this.fail(`malformed response: ${(err as Error).message}`);
        return;
      }
      if (complete) this.succeed(p);
    });
    sock.on('end', () => {
      if (this.socket !== sock) return;
      const p = this.pending;
      if (p !== null) {
        if (p.parser.untilClose) this.succeed(p);
        else this.fail(p.written ? 'connection closed before response complete' : 'connection closed');
      }
      this.dropSocket();
    });
    sock.on('error', (err) => {
      if (this.socket !== sock) return;
      this.fail(errorString(err));
    });
    sock.on('close', () => {
      if (this.socket !== sock) return;
      if (this.pending !== null) this.fail('connection closed before response complete');
      this.socket = null;
      this.ready = false;
    });
  }

  private succeed(p: Pending): void {
    const t1 = process.hrtime.bigint();
    clearTimeout(p.timer);
    this.pending = null;
    if (!this.options.keepAlive || !p.parser.keepAlive) this.dropSocket();
    p.resolve({
      status: p.parser.status,
      startNs: p.t0,
      latencyNs: Math.max(1, Number(t1 - p.t0)),
      bodyBytes: p.parser.bodyBytes,
      connected: p.connected,
    });
  }

  private fail(error: string): void {
    const p = this.pending;
    this.dropSocket();
    if (p === null) return;
    const t1 = process.hrtime.bigint();
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve({ status: 0, error, startNs: p.t0, latencyNs: Math.max(1, Number(t1 - p.t0)), bodyBytes: p.parser.bodyBytes, connected: p.connected });
  }

  private dropSocket(): void {
    const sock = this.socket;
    if (sock === null) return;
    this.socket = null;
    this.ready = false;
    sock.destroy();
  }

  /** Whether a connection is currently open and established. */
  get isConnected(): boolean {
    return this.socket !== null && this.ready;
  }
}
