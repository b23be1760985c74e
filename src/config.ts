// One config schema for the config file, CLI flags and action inputs: kebab-case keys everywhere,
// defaults here, every error one clear line (UsageError).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors';
import { PLACEMENTS, TAIL_LEVEL_NAMES, type PlacementChoice, type TailLevelName, type Threshold } from './types';
import { MAX_CONCURRENCY } from './loadgen/config';
import { parseCount, parseDuration, parseProbability, parseThreshold } from './units';

export const RUNTIMES = ['local', 'podman', 'kind', 'kubernetes', 'replay'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];
export type ConnectionMode = 'keep-alive' | 'new';
export type FailOn = 'regression' | 'inconclusive' | 'strict';

export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  weight: number;
}

export interface SutConfig {
  /** argv of the SUT process (local runtime) or container command; never run through a shell. */
  command: string[];
  image?: string;
  /** Port the SUT listens on; 0 = choose a free port per instance (local runtime). */
  port: number;
  env: Record<string, string>;
  readyPath: string;
  readyTimeoutMs: number;
}

/** Where pods run: kind, an existing cluster, or podman (the same Pod manifest). */
export interface PodConfig {
  clusterName: string;
  /** Set: this kind release is used (downloaded when the kind on PATH is another). Unset: PATH's kind, else DEFAULT_KIND_VERSION. */
  kindVersion?: string;
  kindConfig?: string;
  reuseCluster: boolean;
  kubeContext?: string;
  kubeconfig?: string;
  /** Namespace for the run; empty = a fresh one per run (hook-latency-<id>), deleted at the end. */
  namespace?: string;
  /**
   * Accepted for compatibility, no longer used: the native load generator runs in the SUT's image
   * (a warning says so when it is set).
   */
  loadgenImage?: string;
  /**
   * Requests = limits of each SUT container (both arms alike); with both set every container gets
   * requests = limits, so the pod is Guaranteed. cpu `auto`: a third of the node's free CPU each.
   */
  cpu?: string;
  memory?: string;
  /** The loadgen's (and init containers') CPU and memory; default: `cpu`, and 256Mi when `memory` is set. */
  loadgenCpu?: string;
  loadgenMemory?: string;
  /** How long to wait for the pod to finish one round (`pod-timeout`). */
  podTimeoutMs: number;
}

export interface Config {
  runtime: RuntimeName;
  pod: PodConfig;
  replay?: string;
  sut: SutConfig;
  hook?: string;
  baselineHook?: string;
  requests: RequestSpec[];
  connection: ConnectionMode;
  /** Closed-loop connections per arm: requests in flight at once (docs/method.md, "Concurrent load"). */
  concurrency: number;
  warmupRequests: number;
  requestsPerRound: number;
  timeoutMs: number;
  threshold: Threshold;
  /** The tail test's quantile (`tail`), null for off. */
  tail: TailLevelName | null;
  /** The tail's budget (`tail-threshold`, default `threshold`). */
  tailThreshold: Threshold;
  alpha: number;
  power: number;
  mde: Threshold;
  maxRequests: number;
  maxDurationMs: number;
  lookEvery: number;
  minRounds: number;
  seed: number;
  failOn: FailOn;
  out?: string;
  /** Count hooked calls per request with strace after the gate (local runtime). */
  countCalls: boolean;
  /** CPU placement of the load generator and both arms (src/runtime/placement.ts). */
  placement: PlacementChoice;
  /** Predicted (calls per request x micro cost per call) beside the measured overhead; implies countCalls. */
  decompose: boolean;
}

/** Raw values as they come from a file, flags or inputs: strings, numbers, nested objects. */
export type RawConfig = Record<string, unknown>;

export const DEFAULTS = {
  runtime: 'local',
  connection: 'keep-alive',
  concurrency: 1,
  'warmup-requests': 50,
  /** By runtime when unset: ROUND_DEFAULTS. */
  'requests-per-round': undefined as number | undefined,
  'timeout': '2s',
  threshold: '0',
  tail: 'p99',
  /** The `threshold` when unset. */
  'tail-threshold': undefined as string | undefined,
  alpha: 0.05,
  power: 0.9,
  mde: '2.5%',
  'max-requests': 200_000,
  'max-duration': '20m',
  'look-every': 5,
  /** By runtime when unset: ROUND_DEFAULTS. */
  'min-rounds': undefined as number | undefined,
  'fail-on': 'regression',
  'cluster-name': 'hook-latency',
  'reuse-cluster': 'true',
  /** No longer used (a warning says so): the native loadgen runs in the SUT's image. */
  'loadgen-image': undefined as string | undefined,
  'pod-timeout': '5m',
  'count-calls': 'false',
  placement: 'auto',
  decompose: 'false',
} as const;

/**
 * requests-per-round and min-rounds when unset, per runtime. A pod round costs a pod start (1-2 s)
 * against milliseconds of requests, so larger rounds come almost free; and a pod's fresh instances
 * differ from round to round, which only more rounds average out. podman A/A, median CI width:
 * 0.73 % at 400 x 10, 0.71 % at 400 x 15, 0.65 % at 2000 x 15, 0.50 % at 2000 x 20
 * (docs/method.md, "Rounds in a pod").
 */
const IN_PROCESS = { requestsPerRound: 400, minRounds: 10 };
const IN_A_POD = { requestsPerRound: 2000, minRounds: 20 };
export const ROUND_DEFAULTS: Record<RuntimeName, { requestsPerRound: number; minRounds: number }> = {
  local: IN_PROCESS,
  replay: IN_PROCESS,
  podman: IN_A_POD,
  kind: IN_A_POD,
  kubernetes: IN_A_POD,
};

/** The kind release downloaded when kind is not on PATH and kind-version is not set. */
export const DEFAULT_KIND_VERSION = 'v0.29.0';

const KNOWN_KEYS = new Set([
  'kind-version',
  ...Object.keys(DEFAULTS),
  'replay', 'sut', 'hook', 'baseline-hook', 'requests', 'seed', 'out', 'config',
  'kind-config', 'kube-context', 'kubeconfig', 'namespace', 'cpu', 'memory', 'loadgen-cpu', 'loadgen-memory',
]);

export function loadConfigFile(path: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`config ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`config ${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`config ${path}: expected a mapping of keys`);
  return resolvePaths(doc as RawConfig, dirname(resolve(path)));
}

/** Paths in a config file are relative to the file, so examples run from any directory. */
function resolvePaths(raw: RawConfig, base: string): RawConfig {
  const out: RawConfig = { ...raw };
  for (const key of ['hook', 'baseline-hook', 'replay', 'kind-config', 'kubeconfig']) {
    if (typeof out[key] === 'string' && out[key] !== '') out[key] = resolve(base, out[key] as string);
  }
  const sut = out.sut as RawConfig | undefined;
  if (sut && typeof sut === 'object' && !Array.isArray(sut)) {
    const cmd = sut.command;
    const argv = typeof cmd === 'string' ? splitArgs(cmd) : Array.isArray(cmd) ? cmd.map(String) : undefined;
    if (argv && argv.length > 0 && /^\.{0,2}\//.test(argv[0])) argv[0] = resolve(base, argv[0]);
    out.sut = { ...sut, ...(argv ? { command: argv } : {}) };
  }
  return out;
}

/** Later layers win: defaults < config file < flags/inputs. Empty strings mean "not given". */
export function mergeConfig(...layers: RawConfig[]): RawConfig {
  const out: RawConfig = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined || v === '') continue;
      if (k === 'sut' && typeof v === 'object' && v && !Array.isArray(v)) {
        out.sut = { ...((out.sut as RawConfig) ?? {}), ...(v as RawConfig) };
      } else out[k] = v;
    }
  }
  return out;
}

export function buildConfig(raw: RawConfig): Config {
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new UsageError(`unknown config key '${key}'`);
  }
  const r = mergeConfig(DEFAULTS as RawConfig, raw);
  const runtime = oneOf(r.runtime, RUNTIMES, 'runtime');
  const threshold = parseThreshold(r.threshold as string, 'threshold');
  const mde = parseThreshold(r.mde as string, 'mde');
  if (('relative' in mde ? mde.relative : mde.ns) <= 0) throw new UsageError('mde must be greater than 0');
  const config: Config = {
    runtime,
    pod: buildPod(r),
    replay: optionalString(r.replay, 'replay'),
    sut: buildSut(r.sut),
    hook: optionalString(r.hook, 'hook'),
    baselineHook: optionalString(r['baseline-hook'], 'baseline-hook'),
    requests: buildRequests(r.requests),
    connection: oneOf(r.connection, ['keep-alive', 'new'] as const, 'connection'),
    concurrency: parseConcurrency(r.concurrency),
    warmupRequests: parseCount(r['warmup-requests'] as string, 'warmup-requests', 0),
    requestsPerRound:
      r['requests-per-round'] === undefined ? ROUND_DEFAULTS[runtime].requestsPerRound : parseCount(r['requests-per-round'] as string, 'requests-per-round', 20),
    timeoutMs: parseDuration(r.timeout as string, 'timeout'),
    threshold,
    tail: parseTailLevel(r.tail),
    tailThreshold: r['tail-threshold'] === undefined ? threshold : parseThreshold(r['tail-threshold'] as string, 'tail-threshold'),
    alpha: parseProbability(r.alpha as string, 'alpha'),
    power: parseProbability(r.power as string, 'power'),
    mde,
    maxRequests: parseCount(r['max-requests'] as string, 'max-requests', 20),
    maxDurationMs: parseDuration(r['max-duration'] as string, 'max-duration'),
    lookEvery: parseCount(r['look-every'] as string, 'look-every', 1),
    minRounds: r['min-rounds'] === undefined ? ROUND_DEFAULTS[runtime].minRounds : parseCount(r['min-rounds'] as string, 'min-rounds', 1),
    seed: r.seed === undefined ? (Math.random() * 2 ** 32) >>> 0 : parseCount(r.seed as string, 'seed', 0),
    failOn: oneOf(r['fail-on'], ['regression', 'inconclusive', 'strict'] as const, 'fail-on'),
    out: optionalString(r.out, 'out'),
    placement: oneOf(r.placement, PLACEMENTS, 'placement'),
    countCalls: parseBool(r['count-calls'], 'count-calls') || parseBool(r.decompose, 'decompose'),
    decompose: parseBool(r.decompose, 'decompose'),
  };
  if (config.requestsPerRound % 2) config.requestsPerRound += 1;
  if (runtime === 'replay' && !config.replay) throw new UsageError('runtime replay needs --replay SAMPLES.csv');
  checkRuntimePod(runtime, config);
  return config;
}

/** What only makes sense for some runtimes, refused before anything starts. */
function checkRuntimePod(runtime: RuntimeName, config: Config): void {
  const { pod, sut } = config;
  if (runtime === 'kind' && (pod.kubeconfig || pod.kubeContext)) {
    throw new UsageError(`runtime kind talks to the cluster it makes (context kind-${pod.clusterName}); kubeconfig and kube-context are for runtime kubernetes`);
  }
  // In a pod the arms listen on sut.port and the next port.
  if (['podman', 'kind', 'kubernetes'].includes(runtime) && sut.port === 65535) {
    throw new UsageError('sut.port must be at most 65534 in a pod: the second arm listens on sut.port + 1');
  }
}

function buildPod(r: RawConfig): PodConfig {
  return {
    clusterName: dnsLabel(r['cluster-name'], 'cluster-name') as string,
    kindVersion: kindVersion(r['kind-version']),
    kindConfig: optionalString(r['kind-config'], 'kind-config'),
    reuseCluster: parseBool(r['reuse-cluster'], 'reuse-cluster'),
    kubeContext: optionalString(r['kube-context'], 'kube-context'),
    kubeconfig: optionalString(r.kubeconfig, 'kubeconfig'),
    namespace: dnsLabel(r.namespace, 'namespace'),
    loadgenImage: optionalString(r['loadgen-image'], 'loadgen-image'),
    cpu: cpuQuantity(r.cpu, 'cpu'),
    memory: memoryQuantity(r.memory, 'memory'),
    loadgenCpu: cpuQuantity(r['loadgen-cpu'], 'loadgen-cpu'),
    loadgenMemory: memoryQuantity(r['loadgen-memory'], 'loadgen-memory'),
    podTimeoutMs: parseDuration(r['pod-timeout'] as string, 'pod-timeout'),
  };
}

/**
 * A memory quantity as Kubernetes parses it (a number, optionally an exponent or a binary or decimal
 * suffix: 256Mi, 1Gi, 500M, 1e9). A lowercase `m` (milli) is refused: `256m` is a quarter of a byte,
 * always a typo for 256Mi.
 */
function memoryQuantity(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (!/^\d+(\.\d+)?(?:[eE]\d+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(s)) {
    throw new UsageError(`${what} must be a memory quantity such as 256Mi, 1Gi or 500M, got '${s}'`);
  }
  return s;
}

/** A namespace or kind cluster name: an RFC 1123 label (what the API server and kind accept). */
function dnsLabel(v: unknown, what: string): string | undefined {
  const s = optionalString(v, what);
  if (s !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s)) {
    throw new UsageError(`${what} must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got '${s}'`);
  }
  return s;
}

/** A kind release tag, `vX.Y.Z`: it goes into the download URL. */
function kindVersion(v: unknown): string | undefined {
  const s = optionalString(v, 'kind-version');
  if (s !== undefined && !/^v\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(s)) throw new UsageError(`kind-version must be a release tag like v0.29.0, got '${s}'`);
  return s;
}

/** A CPU quantity ("1", "0.5", "500m") or `auto`. */
function cpuQuantity(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (s !== 'auto' && !/^\d+(\.\d+)?m?$/.test(s)) throw new UsageError(`${what} must be a CPU quantity such as 1, 0.5 or 500m, or auto; got '${s}'`);
  return s;
}

function parseConcurrency(v: unknown): number {
  const n = parseCount(v as string, 'concurrency', 1);
  if (n > MAX_CONCURRENCY) throw new UsageError(`concurrency must be at most ${MAX_CONCURRENCY}, got '${String(v).trim()}'`);
  return n;
}

function parseBool(v: unknown, what: string): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new UsageError(`${what} must be true or false, got '${String(v)}'`);
}

function buildSut(raw: unknown): SutConfig {
  const s = (raw ?? {}) as RawConfig;
  if (typeof s !== 'object' || Array.isArray(s)) throw new UsageError('sut must be a mapping (command, port, ...)');
  for (const key of Object.keys(s)) {
    if (!['command', 'image', 'port', 'env', 'ready-path', 'ready-timeout'].includes(key)) {
      throw new UsageError(`unknown sut key '${key}' (known: command, image, port, env, ready-path, ready-timeout)`);
    }
  }
  const cmd = s.command;
  const command = typeof cmd === 'string' ? splitArgs(cmd) : Array.isArray(cmd) ? cmd.map(String) : [];
  const env = (s.env ?? {}) as Record<string, unknown>;
  if (typeof env !== 'object' || Array.isArray(env)) throw new UsageError('sut.env must be a mapping of NAME: value');
  const readyPath = String(s['ready-path'] ?? '/');
  if (!readyPath.startsWith('/')) throw new UsageError(`sut.ready-path must start with /, got '${readyPath}'`);
  return {
    command,
    image: optionalString(s.image, 'sut.image'),
    port: s.port === undefined ? 0 : sutPort(s.port),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    readyPath,
    readyTimeoutMs: parseDuration((s['ready-timeout'] as string) ?? '10s', 'sut.ready-timeout'),
  };
}

/** 0 (a free port per instance, local) or a TCP port; no silent clamping. */
function sutPort(v: unknown): number {
  const port = parseCount(v as string, 'sut.port', 0);
  if (port > 65535) throw new UsageError(`sut.port must be a TCP port 1..65535 (or 0), got '${String(v)}'`);
  return port;
}

function buildRequests(raw: unknown): RequestSpec[] {
  if (raw === undefined) return [{ method: 'GET', path: '/', weight: 1 }];
  if (!Array.isArray(raw) || raw.length === 0) throw new UsageError('requests must be a non-empty list');
  return raw.map((item, i) => {
    const q = (typeof item === 'string' ? { path: item } : item) as RawConfig;
    const path = String(q.path ?? '');
    if (!path.startsWith('/')) throw new UsageError(`requests[${i}].path must start with /, got '${path}'`);
    const method = String(q.method ?? 'GET').toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new UsageError(`requests[${i}].method is not an HTTP method: '${method}'`);
    const weight = q.weight === undefined ? 1 : Number(q.weight);
    if (!(weight > 0)) throw new UsageError(`requests[${i}].weight must be > 0`);
    const headers = (q.headers ?? undefined) as Record<string, string> | undefined;
    return { method, path, weight, ...(headers ? { headers } : {}), ...(q.body !== undefined ? { body: String(q.body) } : {}) };
  });
}

/** `tail`: p95, p99, p99.9 or off. */
function parseTailLevel(v: unknown): TailLevelName | null {
  const level = oneOf(v, [...TAIL_LEVEL_NAMES, 'off'] as const, 'tail');
  return level === 'off' ? null : level;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')}, got '${String(v)}'`);
}

function optionalString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new UsageError(`${what} must be a string`);
  return v;
}

/** Splits a command line on whitespace, honouring simple quotes; never handed to a shell. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
