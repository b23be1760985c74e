// What a run of the native load generator (hook/loadgen.c) does; written for it as text by
// native-config.ts, which also refuses what it could not take (LoadgenConfigError).
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
  /** Closed-loop connections per arm (1..64); requests in flight at once (default 1). */
  concurrency: number;
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

/** The most connections per arm the load generator runs (hook/loadgen.c MAX_CONCURRENCY). */
export const MAX_CONCURRENCY = 64;

export const LOADGEN_DEFAULTS = {
  rounds: 1,
  round: 0,
  warmupPerArm: 100,
  pairs: 1000,
  connection: 'keep-alive' as ConnectionMode,
  concurrency: 1,
  requests: [{ method: 'GET', path: '/' }] as RequestSpec[],
  timeoutMs: 5000,
  waitReadyMs: 30000,
  readyPath: '/',
};
