// One round made ready for the test: warm-up transient cut by MSER-5, arms split and sorted on both
// scales the test works on (log latency for relative budgets, nanoseconds for absolute ones).
import { lag1, mserTruncation } from '../stats';
import { errorCounts, successful } from '../samples/round-data';
import type { RoundData } from '../types';

export interface PreparedRound {
  round: number;
  /** False when MSER-5 found no end to the initial transient within half the round. */
  valid: boolean;
  /** Successful requests removed from the start of the round as warm-up. */
  cut: number;
  log: { baseline: Float64Array; candidate: Float64Array };
  ns: { baseline: Float64Array; candidate: Float64Array };
  lag1: { baseline: number; candidate: number };
  errors: { baseline: number; candidate: number };
  requests: number;
}

export function prepareRound(r: RoundData): PreparedRound {
  const ok = successful(r);
  const logSeries = ok.latencyNs.map(Math.log);
  const { cut, valid } = logSeries.length >= 10 ? mserTruncation(logSeries) : { cut: 0, valid: false };
  const split = splitArms(ok.arm.subarray(cut), ok.latencyNs.subarray(cut));
  const logB = split.baseline.map(Math.log);
  const logC = split.candidate.map(Math.log);
  const prepared: PreparedRound = {
    round: r.round,
    valid: valid && split.baseline.length > 0 && split.candidate.length > 0,
    cut,
    lag1: { baseline: lag1(logB), candidate: lag1(logC) },
    log: { baseline: logB.sort(), candidate: logC.sort() },
    ns: { baseline: split.baseline.sort(), candidate: split.candidate.sort() },
    errors: errorCounts(r),
    requests: r.arm.length,
  };
  return prepared;
}

function splitArms(arm: Uint8Array, latency: Float64Array): { baseline: Float64Array; candidate: Float64Array } {
  let nc = 0;
  for (const a of arm) nc += a;
  const baseline = new Float64Array(arm.length - nc);
  const candidate = new Float64Array(nc);
  for (let i = 0, b = 0, c = 0; i < arm.length; i++) {
    if (arm[i] === 1) candidate[c++] = latency[i];
    else baseline[b++] = latency[i];
  }
  return { baseline, candidate };
}
