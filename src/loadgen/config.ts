// The standalone loadgen's config (JSON from env LOADGEN_CONFIG or a file path in argv[2]).
// Node builtins only: this is bundled into the single-file loadgen script shipped to the pod.
import type { ConnectionMode, Endpoint, RequestSpec } from './request';

export interface LoadgenConfig {
  /** Number of rounds to run, each against the same targets (default 1). */
  rounds: number;
  /** Index of the first round (default 0). */
  round: number;
  seed: number;
  targets: { baseline: Endpoint; candidate: Endpoint };
  warmupPerArm: number;
  pairs: number;
  connection: ConnectionMode;
  requests: RequestSpec[];
  timeoutMs: number;
  /** How long to poll `readyPath` on both targets for a 2xx before giving up (0 = don't poll). */
  waitReadyMs: number;
  readyPath: string;
  /** Output file for the CSV; stdout when absent. */
  out?: string;
  /** `--count` mode: sequential requests to the candidate, around the counting preload's snapshots when `file` is set. */
  count?: { requests: number; file?: string };
}

export class LoadgenConfigError extends Error {}

export const LOADGEN_DEFAULTS = {
  rounds: 1,
  round: 0,
  warmupPerArm: 100,
  pairs: 1000,
  connection: 'keep-alive' as ConnectionMode,
  requests: [{ method: 'GET', path: '/' }] as RequestSpec[],
  timeoutMs: 5000,
  waitReadyMs: 30000,
  readyPath: '/',
};

function fail(msg: string): never {
  throw new LoadgenConfigError(`loadgen config: ${msg}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(o: Record<string, unknown>, key: string, min: number, def?: number): number {
  const v = o[key];
  if (v === undefined) {
    if (def === undefined) fail(`'${key}' is required`);
    return def;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`'${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function endpoint(v: unknown, name: string): Endpoint {
  if (!isObj(v)) fail(`'targets.${name}' must be an object { host, port }`);
  const host = v.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') fail(`'targets.${name}.host' must be a non-empty string`);
  const port = v.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`'targets.${name}.port' must be an integer 1..65535, got ${JSON.stringify(port)}`);
  }
  return { host, port };
}

function requestSpec(v: unknown, i: number): RequestSpec {
  if (!isObj(v)) fail(`'requests[${i}]' must be an object`);
  const method = v.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) fail(`'requests[${i}].method' must be an HTTP method`);
  const path = v.path;
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) fail(`'requests[${i}].path' must start with / and contain no whitespace`);
  const out: RequestSpec = { method, path };
  if (v.headers !== undefined) {
    if (!isObj(v.headers) || !Object.values(v.headers).every((h) => typeof h === 'string')) {
      fail(`'requests[${i}].headers' must map names to strings`);
    }
    out.headers = v.headers as Record<string, string>;
  }
  if (v.body !== undefined) {
    if (typeof v.body !== 'string') fail(`'requests[${i}].body' must be a string`);
    out.body = v.body;
  }
  if (v.weight !== undefined) {
    if (typeof v.weight !== 'number' || !Number.isFinite(v.weight) || v.weight < 0) fail(`'requests[${i}].weight' must be a number >= 0`);
    out.weight = v.weight;
  }
  return out;
}

function countSpec(v: unknown): { requests: number; file: string } {
  if (!isObj(v)) fail(`'count' must be an object { requests, file }`);
  if (typeof v.file !== 'string' || !v.file.startsWith('/')) fail(`'count.file' must be an absolute path`);
  return { requests: int(v, 'requests', 1), file: v.file };
}

/** Validates a parsed JSON value; throws LoadgenConfigError with one clear line. */
export function parseLoadgenConfig(raw: unknown): LoadgenConfig {
  if (!isObj(raw)) fail('must be a JSON object');
  const d = LOADGEN_DEFAULTS;
  if (!isObj(raw.targets)) fail(`'targets' is required: { baseline: { host, port }, candidate: { host, port } }`);
  const connection = raw.connection ?? d.connection;
  if (connection !== 'keep-alive' && connection !== 'new') fail(`'connection' must be 'keep-alive' or 'new'`);
  let requests = d.requests;
  if (raw.requests !== undefined) {
    if (!Array.isArray(raw.requests) || raw.requests.length === 0) fail(`'requests' must be a non-empty array`);
    requests = raw.requests.map(requestSpec);
    if (!requests.some((r) => (r.weight ?? 1) > 0)) fail(`'requests' weights sum to 0`);
  }
  const readyPath = raw.readyPath ?? d.readyPath;
  if (typeof readyPath !== 'string' || !readyPath.startsWith('/')) fail(`'readyPath' must start with /`);
  if (raw.out !== undefined && (typeof raw.out !== 'string' || raw.out === '')) fail(`'out' must be a file path`);
  if (raw.seed === undefined) fail(`'seed' is required (an integer; it is recorded so the schedule can be reproduced)`);
  if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed)) fail(`'seed' must be an integer`);
  const cfg: LoadgenConfig = {
    rounds: int(raw, 'rounds', 1, d.rounds),
    round: int(raw, 'round', 0, d.round),
    seed: raw.seed,
    targets: { baseline: endpoint(raw.targets.baseline, 'baseline'), candidate: endpoint(raw.targets.candidate, 'candidate') },
    warmupPerArm: int(raw, 'warmupPerArm', 0, d.warmupPerArm),
    pairs: int(raw, 'pairs', 1, d.pairs),
    connection,
    requests,
    timeoutMs: int(raw, 'timeoutMs', 1, d.timeoutMs),
    waitReadyMs: int(raw, 'waitReadyMs', 0, d.waitReadyMs),
    readyPath,
  };
  if (typeof raw.out === 'string') cfg.out = raw.out;
  if (raw.count !== undefined) cfg.count = countSpec(raw.count);
  return cfg;
}
