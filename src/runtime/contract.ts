// The one interface every runtime implements (local, podman, kind, kubernetes, replay).
// It lives apart from every backend (in a file of its own, importing nothing of theirs), so the
// experiment's controller drives it without depending on any backend.
import type { Check, PlacementReport, RoundData } from '../types';

/** Calls of each hooked function per request, or why they could not be counted. */
export type CallCounts =
  | {
      perRequest: Record<string, number>;
      requests: number;
      /** Who counted: the counting preload (libc calls the hook sees) or strace (system calls). */
      method: CountMethod;
      /** Functions the hook wraps that the method could not count. */
      uncounted?: string[];
    }
  | { unavailable: string };

export type CountMethod = 'preload' | 'strace';

export interface RoundOutcome {
  data: RoundData;
  /** Environment checks observed during the round (throttling, same pod, sidecars, ...). */
  checks?: Check[];
}

/** In removal order: pods, then their ConfigMaps (hooks, loadgen), namespaces, clusters. */
export const RESOURCE_KINDS = ['pod', 'configmap', 'namespace', 'kind-cluster'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Something a runtime creates outside this process, which must not outlive the run. */
export interface CreatedResource {
  kind: ResourceKind;
  name: string;
  /**
   * kubectl context the resource lives in (namespace, pod, ConfigMap). For a pod created by podman
   * pass 'podman'. A pod or ConfigMap name may be `namespace/name`.
   */
  context?: string;
}

export type Tool = 'kind' | 'kubectl' | 'podman';

/**
 * Handed to a runtime by its caller: the runtime reports what it created and removed, and which
 * tool binary it used, as it goes. The caller decides what to do with that: the Action saves it
 * for its post step, the CLI removes what is left on Ctrl-C. Runtimes never know which.
 */
export interface ResourceLedger {
  /** Called right before (or after) creating something that must be removed if the run dies. */
  created(r: CreatedResource): void;
  /** Called after the runtime removed it itself: nothing left to do. */
  removed(r: CreatedResource): void;
  /** Where the runtime found (or downloaded) a tool, so a later cleanup uses the same binary. */
  toolUsed(tool: Tool, path: string): void;
}

/** For callers with nothing to clean up after (tests, replay). */
export const NO_LEDGER: ResourceLedger = { created() {}, removed() {}, toolUsed() {} };

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
  /**
   * Optional, synchronous, for process exit (Ctrl-C): the rows the round in progress has measured
   * so far (null when there are none), after stopping what that round started.
   */
  salvage?(): RoundData | null;
  /** Optional: where the load generator and the arms were pinned and seen running, so far. */
  placement?(): PlacementReport;
  /** Stops and removes whatever the runtime started. Safe to call more than once. */
  teardown(): Promise<void>;
}
