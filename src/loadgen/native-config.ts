// The native load generator's config (docs/contracts.md, "Load generator config"): one setting per
// line, `key value...`, so hook/loadgen.c needs no JSON parser. Requests travel pre-serialized (hex,
// one per arm: the Host header differs), weights as the 16 hex digits of their IEEE-754 double so
// the C side sums and compares exactly the numbers this side validated.
import { isIPv4 } from 'node:net';
import type { LoadgenConfig } from './config';
import { LoadgenConfigError, MAX_CONCURRENCY } from './config';
import { mixTable, serializeRequest, type Endpoint, type RequestSpec } from './request';

const ARMS = ['baseline', 'candidate'] as const;

function fail(msg: string): never {
  throw new LoadgenConfigError(`loadgen config: ${msg}`);
}

/** The IPv4 address the C side connects to ('localhost' is 127.0.0.1; it resolves no names). */
function address(t: Endpoint, arm: string): string {
  const host = t.host === 'localhost' ? '127.0.0.1' : t.host;
  if (!isIPv4(host)) fail(`target ${arm} must be an IPv4 address or localhost, got ${JSON.stringify(t.host)}`);
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) fail(`target ${arm} port must be 1..65535, got ${t.port}`);
  return host;
}

/** A value the C side splits on spaces: no whitespace allowed. */
function word(v: string, what: string): string {
  if (v === '' || /\s/.test(v)) fail(`${what} must be non-empty and contain no whitespace, got ${JSON.stringify(v)}`);
  return v;
}

function nonNegative(v: number, what: string, min = 0): string {
  if (!Number.isInteger(v) || v < min) fail(`${what} must be an integer >= ${min}, got ${v}`);
  return String(v);
}

function concurrencyValue(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) fail(`concurrency must be an integer 1..${MAX_CONCURRENCY}, got ${n}`);
  return String(n);
}

function weightHex(w: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(w);
  return b.toString('hex');
}

function requestLine(r: RequestSpec, targets: LoadgenConfig['targets'], keepAlive: boolean): string {
  const head = r.method.toUpperCase() === 'HEAD' ? 1 : 0;
  const wire = ARMS.map((arm) => serializeRequest(r, targets[arm], keepAlive).toString('hex'));
  return `request ${weightHex(r.weight ?? 1)} ${head} ${wire.join(' ')}`;
}

/** The config text; throws LoadgenConfigError (one line) on what the C side could not take. */
export function loadgenConfigText(cfg: LoadgenConfig): string {
  try {
    mixTable(cfg.requests);
  } catch (err) {
    fail((err as Error).message.replace(/^loadgen: /, ''));
  }
  const keepAlive = cfg.connection === 'keep-alive';
  const lines = [
    '# hook-latency loadgen config 1',
    `seed ${BigInt.asUintN(32, BigInt(cfg.seed))}`,
    `round ${nonNegative(cfg.round, 'round')}`,
    `rounds ${nonNegative(cfg.rounds, 'rounds', 1)}`,
    `warmup ${nonNegative(cfg.warmupPerArm, 'warmupPerArm')}`,
    `pairs ${nonNegative(cfg.pairs, 'pairs', 1)}`,
    `connection ${keepAlive ? 'keep-alive' : 'new'}`,
    `concurrency ${concurrencyValue(cfg.concurrency)}`,
    `timeout-ms ${nonNegative(cfg.timeoutMs, 'timeoutMs', 1)}`,
    `wait-ready-ms ${nonNegative(cfg.waitReadyMs, 'waitReadyMs')}`,
    `ready-path ${word(cfg.readyPath, 'readyPath')}`,
    ...ARMS.map((arm) => `target ${arm} ${address(cfg.targets[arm], arm)} ${cfg.targets[arm].port}`),
    ...cfg.requests.map((r) => requestLine(r, cfg.targets, keepAlive)),
  ];
  if (cfg.out !== undefined) lines.push(`out ${word(cfg.out, 'out')}`);
  if (cfg.count) lines.push(`count ${nonNegative(cfg.count.requests, 'count.requests', 1)}${cfg.count.file ? ` ${word(cfg.count.file, 'count.file')}` : ''}`);
  return lines.join('\n') + '\n';
}
