// The requests the load generator sends: validated and serialized here, once per arm, so the native
// load generator (hook/loadgen.c) only writes bytes it was given.
import type { Prng } from '../experiment/prng';

export interface Endpoint {
  host: string;
  port: number;
}

export type ConnectionMode = 'keep-alive' | 'new';

export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  weight?: number;
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

/** Cumulative weights for the request mix; weights default to 1 and must be finite and >= 0. */
export function mixTable(requests: readonly RequestSpec[]): Float64Array {
  if (requests.length === 0) throw new Error('loadgen: at least one request is required');
  const cum = new Float64Array(requests.length);
  let total = 0;
  requests.forEach((r, i) => {
    const w = r.weight ?? 1;
    if (!Number.isFinite(w) || w < 0) throw new Error(`loadgen: request ${i} has a bad weight ${w}`);
    total += w;
    cum[i] = total;
  });
  if (!(total > 0)) throw new Error('loadgen: request weights sum to 0');
  return cum;
}

/**
 * Weighted choice: the index i with cum[i-1] <= u*total < cum[i]. The specification of the native
 * load generator's choice (the same IEEE double arithmetic), checked against it in the tests.
 */
export function pickRequest(cum: Float64Array, rng: Prng): number {
  if (cum.length === 1) return 0;
  const x = rng.nextFloat() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
