// The one interface every runtime implements (local, podman, kind, kubernetes, replay).
// It lives here, beside the controller that drives it, so nothing in the experiment depends on a backend.
import type { Check, PlacementReport, RoundData } from '../types';

/** Calls of each hooked function per request, or why they could not be counted. */
export type CallCounts = { perRequest: Record<string, number>; requests: number } | { unavailable: string };

export interface RoundOutcome {
  data: RoundData;
  /** Environment checks observed during the round (throttling, same pod, sidecars, ...). */
  checks?: Check[];
}

export interface Runtime {
  readonly name: string;
  /**
   * Runs round `index` with fresh SUT instances and returns its samples, or null when the
   * runtime has no more rounds to give (a replay at the end of its file). A failure throws a
   * RunError; a RoundFailedError carries the samples measured before it.
   */
  runRound(index: number): Promise<RoundOutcome | null>;
  /** Optional (recommendation 7): one extra short run of the candidate counting hooked calls per request. */
  countCalls?(): Promise<CallCounts>;
  /** Optional: where the load generator and the arms were pinned and seen running, so far. */
  placement?(): PlacementReport;
  /** Stops and removes whatever the runtime started. Safe to call more than once. */
  teardown(): Promise<void>;
}
