// The contracts shared by the Action, the CLI, the runtimes and the tests (see docs/contracts.md).
import type { CostReport } from './cost/decompose';

export type Arm = 'baseline' | 'candidate';
export const ARMS: readonly Arm[] = ['baseline', 'candidate'];

/** The samples CSV header as written (start_ns and status are optional when reading). */
export const SAMPLES_HEADER = 'round,arm,seq,latency_ns,start_ns,status,conn';

/** One request, one row of the samples CSV: `round,arm,seq,latency_ns[,start_ns,status,conn]`. */
export interface Sample {
  round: number;
  arm: Arm;
  seq: number;
  latencyNs: number;
  startNs?: number;
  /** HTTP status, or 0 for a transport error. Errors never enter the latency statistics. */
  status?: number;
  /** Which of the arm's `concurrency` connections carried it (0..N-1; both requests of a pair share it). */
  conn?: number;
}

/**
 * One round (a fresh pair of SUT instances) in columnar form, in request order: every recorded
 * request, errors included. The statistics take only the successful ones (see isError).
 */
export interface RoundData {
  round: number;
  /** 0 = baseline, 1 = candidate. */
  arm: Uint8Array;
  seq: Float64Array;
  latencyNs: Float64Array;
  startNs: Float64Array | null;
  /** HTTP status per request (0 = transport error), or null when the source had no status column. */
  status: Int32Array | null;
  /** Connection index per request (`concurrency` > 1), absent or null when the source had no conn column. */
  conn?: Uint8Array | null;
}

/** A transport error (status 0) or a server error (5xx) is counted per arm, never measured. */
export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}

/** The budget the candidate may cost: a ratio (0.02 = 2 %) or absolute nanoseconds. */
export type Threshold = { relative: number } | { ns: number };

export type VerdictKind = 'regression' | 'no-regression' | 'inconclusive';
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  id: string;
  status: CheckStatus;
  detail: string;
}

export interface LookRecord {
  look: number;
  rounds: number;
  n: { baseline: number; candidate: number };
  z: number;
  /** Nominal one-sided p of the design-based test at this look. */
  p: number;
  boundary: number;
  /** Nominal p that the boundary corresponds to. */
  boundaryP: number;
  informationFraction: number;
  plannedRequests: number;
  shiftRelative: number;
  /** Mirrored p at this look (H0: slowdown >= budget): the early no-regression stop when <= boundaryP. */
  pBelow?: number;
  /** The error-rate test at this look: its p and the level it was held to. */
  errorP?: number;
  errorLevel?: number;
  /** The tail test at this look (absent when `tail: off`). */
  tailP?: number;
  tailLevel?: number;
}

/** The error-rate test (exact sign-flip over the rounds' failed-request differences) of the final look, with its share of alpha. */
export interface ErrorTestReport {
  p: number;
  /** Its level at the final look (this look's increment of its spending). */
  level: number;
  /** Its share of the gate's alpha; the latency test gets alpha minus this. */
  alpha: number;
  /** Requests, failed or not, per arm after the warm-up cuts: what the errors are counted among. */
  requests: { baseline: number; candidate: number };
  /** Rounds in which the candidate failed more requests than the baseline, and fewer (the test's signs). */
  rounds?: { more: number; fewer: number };
}

/** The `tail` setting: the upper quantile the tail test compares the arms at. */
export type TailLevelName = 'p95' | 'p99' | 'p99.9';
export const TAIL_LEVEL_NAMES: readonly TailLevelName[] = ['p95', 'p99', 'p99.9'];

/** Which part of the gate found the regression. */
export type FailedPart = 'latency' | 'tail' | 'errors';

/**
 * The tail test of the final look (docs/method.md, "The tail test"): per round, each arm's share of
 * requests above the round's pooled quantile at `level`, the differences sign-flipped over rounds.
 */
export interface TailReport {
  level: TailLevelName;
  /** The quantile level as a number (0.99 for p99). */
  quantile: number;
  /** The tail shift: taken off every candidate request, it leaves the candidate's share above the pooled quantile equal to the baseline's. */
  estimate: { ns: number; relative: number };
  /** Its interval, inverted from the same test at the final look's level (confidence level `ciLevel`). */
  ci: { ns: [number, number]; relative: [number, number] };
  ciLevel: number;
  /** One-sided p at the tail budget (H0: the tail shift <= budget), and its mirror. */
  p: number;
  pBelow: number;
  /** Its level at the final look (this look's increment of its spending), its share of alpha, and that share as a fraction of alpha. */
  testLevel: number;
  alpha: number;
  alphaShare: number;
  /** The tail budget (`tail-threshold`, default `threshold`). */
  threshold: Threshold;
  outcome: 'regression' | 'within-budget' | 'no-regression';
  /** Mean share of each arm's requests above the rounds' pooled quantile (1 - quantile for both, when alike). */
  shares: { baseline: number; candidate: number };
  /** Rounds in which the candidate had the larger share above the pooled quantile, and the smaller. */
  rounds: { more: number; fewer: number };
  /** The exact reference: every round's sign flipped (up to 16 rounds), or blocks of consecutive rounds beyond (at most 16 blocks). */
  reference: string;
}

/** How far the round scores are from independent (the round-dependence check). */
export interface RoundDependenceReport {
  lag1: number;
  serialP: number;
  /** The plan's between-round spread (blinded while |Z| < 3, docs/method.md step 12). */
  varianceFactor: number;
  bandwidth: number;
  longRunFactor: number;
  /** The check's spread: sample variance of the standardised round scores about their mean. */
  spread?: number;
  /** Mean standardised round score (the shift beyond the budget, in i.i.d. standard deviations per round). */
  meanScore?: number;
}

/** The verdict JSON (`--json`, verdict.json). Extra fields beyond the contract are allowed. */
export interface Verdict {
  verdict: VerdictKind;
  p: number;
  threshold: Threshold;
  shift: { relative: number; ns: number; ci: [number, number]; ciNs: [number, number] };
  n: { baseline: number; candidate: number };
  rounds: number;
  power: number;
  warmup: { removed: number; invalidRounds: number[] };
  errors: { baseline: number; candidate: number };
  checks: Check[];
  /** Why the verdict is what it is, in one sentence. */
  reason: string;
  z: number;
  boundary: number;
  alpha: number;
  /** The i.i.d. tie-corrected Mann-Whitney p on pooled samples: for comparison, never the verdict. */
  iidP: number;
  lag1: { baseline: number; candidate: number };
  median: { baseline: number; candidate: number };
  looks: LookRecord[];
  plannedRequests: number;
  /** Mirrored p of the final look (H0: slowdown >= budget). */
  pBelow?: number;
  /**
   * The interval's confidence level: it is a repeated confidence interval at the final look's
   * boundary, 1 - 2 boundaryP (about 91 % at a typical final look, 99 % and more at an early stop).
   */
  ciLevel?: number;
  /**
   * What the run could resolve: the estimate's distance from the interval's lower bound, relative
   * (a ratio: (1 + shift) / (1 + low) - 1) and in ns. The interval moves with the data, so a
   * candidate slower by more than budget + this (with the same noise) would have been a regression.
   */
  resolution?: { relative: number; ns: number };
  /** The interval lies wholly below the budget (shown within it), whatever the verdict. */
  withinBudget?: boolean;
  /** The verdict with its kind of pass: `within-budget` (shown) or `no-regression` (not shown to exceed it). */
  outcome?: 'regression' | 'within-budget' | 'no-regression' | 'inconclusive';
  errorTest?: ErrorTestReport;
  /** The tail test; null when `tail: off`. */
  tail?: TailReport | null;
  /** Which parts found the regression (empty unless `verdict` is regression). */
  failed?: FailedPart[];
  roundDependence?: RoundDependenceReport;
  mode: 'macro' | 'micro';
  /** Calls of the hooked functions per request (strace), and the per-call cost the shift implies. */
  calls?: CallsReport;
  /** Where the cost is: calls per request x micro cost per call, beside the measured shift. */
  cost?: CostReport;
  runtime: string;
  durationMs?: number;
  /** Where the load generator and the two arms were pinned and seen running (live runtimes). */
  placement?: PlacementReport;
}

/** The placement options (config key / input `placement`); `auto` resolves to one of the others. */
export const PLACEMENTS = ['auto', 'same-cpu', 'split', 'off'] as const;
export type PlacementChoice = (typeof PLACEMENTS)[number];
export type PlacementMode = Exclude<PlacementChoice, 'auto'>;

/** One round as seen: which arm was started first, and the CPUs each side was sampled on. */
export interface RoundPlacement {
  round: number;
  first: Arm;
  /** Samples taken during the round; in `differing` of them the arms were on different CPU sets. */
  samples: number;
  differing: number;
  cpus: { baseline: number[]; candidate: number[]; loadgen: number[] };
}

/** verdict.json `placement`. */
export interface PlacementReport {
  requested: PlacementChoice;
  mode: PlacementMode;
  /** The CPUs the pin wrapper was given: a list, or "@-1" (the last CPU the container may use). */
  /**
   * `helpers`: where the orchestrating process (the CLI or action, not the load generator, which is
   * a native single-threaded process) was put: the CPUs the plan left free (local), or
   * "single-threaded" (pods: nothing but the load generator runs in its container); absent when no
   * CPU was left free (local: it then stays on the CPUs it may use).
   */
  pinned: { loadgen: string | null; sut: string | null; helpers?: string };
  /** The CPUs this process could use when the run started (local and podman). */
  allowed?: number[];
  /** Why placement could not be applied or observed, if so. */
  note?: string;
  rounds: RoundPlacement[];
}

export type CallsReport =
  | {
      perRequest: Record<string, number>;
      requests: number;
      impliedPerCallNs: Record<string, number>;
      /** Who counted: the counting preload (libc calls the hook sees) or strace (system calls). */
      method: 'preload' | 'strace';
      /** Functions the hook wraps that could not be counted. */
      uncounted?: string[];
    }
  | { unavailable: string };
