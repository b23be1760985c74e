// One round of the interleaved experiment against two live targets: warm-up, then the recorded
// pair schedule, closed loop with exactly one request in flight.
import type { Arm, Sample } from '../types';
import { Prng, STREAM, deriveSeed } from '../experiment/prng';
import { firstStarted, pairSchedule, warmupSchedule } from '../experiment/schedule';
import { HttpClient, serializeRequest, type Endpoint, type HttpResult, type RequestSpec } from './http-client';

export type { Endpoint, RequestSpec } from './http-client';

export type ConnectionMode = 'keep-alive' | 'new';

export interface RoundOptions {
  round: number;
  seed: number;
  targets: { baseline: Endpoint; candidate: Endpoint };
  warmupPerArm: number;
  pairs: number;
  connection: ConnectionMode;
  requests: RequestSpec[];
  timeoutMs: number;
  onSample?: (s: Sample) => void;
}

export interface RoundResult {
  /** Recorded requests only, in seq order; errors are here with status 0, never dropped. */
  samples: Sample[];
  /** Transport errors (status 0) per arm, recorded requests only. */
  errors: { baseline: number; candidate: number };
  /** The first few distinct error messages, prefixed with the arm, e.g. "candidate: ECONNRESET". */
  errorMessages: string[];
  warmup: { requests: number; errors: number };
  durationMs: number;
}

const ARM_NAMES: readonly Arm[] = ['baseline', 'candidate'];
const MAX_ERROR_MESSAGES = 10;

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

/** Weighted choice: the index i with cum[i-1] <= u*total < cum[i]. */
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

export async function runRound(opts: RoundOptions): Promise<RoundResult> {
  const { round, seed, pairs, warmupPerArm, timeoutMs } = opts;
  if (!Number.isInteger(round) || round < 0) throw new RangeError(`round must be an integer >= 0, got ${round}`);
  if (opts.connection !== 'keep-alive' && opts.connection !== 'new') {
    throw new RangeError(`connection must be 'keep-alive' or 'new', got ${String(opts.connection)}`);
  }
  const keepAlive = opts.connection === 'keep-alive';
  const cum = mixTable(opts.requests);
  const targets = [opts.targets.baseline, opts.targets.candidate] as const;
  // Pre-serialized per arm (the Host header differs) and per request.
  const wire = targets.map((t) => opts.requests.map((r) => serializeRequest(r, t, keepAlive)));
  const isHead = opts.requests.map((r) => r.method.toUpperCase() === 'HEAD');
  const clients = targets.map((t) => new HttpClient(t, { timeoutMs, keepAlive }));

  const warm = warmupSchedule(warmupPerArm, firstStarted(seed, round));
  const sched = pairSchedule(seed, round, pairs);
  const warmRng = new Prng(deriveSeed(seed, round, STREAM.warmupMix));
  const mixRng = new Prng(deriveSeed(seed, round, STREAM.mix));

  const errors = { baseline: 0, candidate: 0 };
  const messages = new Set<string>();
  const note = (arm: number, r: HttpResult): void => {
    if (messages.size < MAX_ERROR_MESSAGES && r.error !== undefined) messages.add(`${ARM_NAMES[arm]}: ${r.error}`);
  };
  const send = (arm: number, req: number): Promise<HttpResult> =>
    clients[arm]!.request(wire[arm]![req]!, { head: isHead[req]! });

  const t0 = process.hrtime.bigint();
  try {
    let warmErrors = 0;
    let req = 0;
    for (let i = 0; i < warm.length; i++) {
      if (i % 2 === 0) req = pickRequest(cum, warmRng); // the same request for both arms of a pair
      const arm = warm[i]!;
      const r = await send(arm, req);
      if (r.status === 0) {
        warmErrors++;
        note(arm, r);
      }
    }

    const samples: Sample[] = new Array(sched.length);
    for (let seq = 0; seq < sched.length; seq++) {
      if (seq % 2 === 0) req = pickRequest(cum, mixRng);
      const arm = sched[seq]!;
      const r = await send(arm, req);
      const s: Sample = {
        round,
        arm: ARM_NAMES[arm]!,
        seq,
        latencyNs: r.latencyNs,
        startNs: Number(r.startNs - t0),
        status: r.status,
      };
      if (r.status === 0) {
        errors[s.arm]++;
        note(arm, r);
      }
      samples[seq] = s;
      opts.onSample?.(s);
    }
    return {
      samples,
      errors,
      errorMessages: [...messages],
      warmup: { requests: warm.length, errors: warmErrors },
      durationMs: Number(process.hrtime.bigint() - t0) / 1e6,
    };
  } finally {
    for (const c of clients) c.close();
  }
}
