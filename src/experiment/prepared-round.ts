// One round made ready for the test: warm-up transient cut by MSER-5, arms split and sorted on both
// scales the test works on (log latency for relative budgets, nanoseconds for absolute ones).
import { splitArms } from '../arrays';
import { lag1, mserTruncation } from '../stats';
import { countsAfterCut, successful } from '../samples/round-data';
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
  /** Errors and requests (failed or not) per arm after the warm-up cut: what the error test counts. */
  errors: { baseline: number; candidate: number };
  counted: { baseline: number; candidate: number };
  requests: number;
}

export function prepareRound(r: RoundData): PreparedRound {
  const ok = successful(r);
  const logSeries = ok.latencyNs.map(Math.log);
  const { cut, valid } = logSeries.length >= 10 ? mserTruncation(logSeries) : { cut: 0, valid: false };
  const arms = ok.arm.subarray(cut);
  const logs = splitArms(arms, logSeries.subarray(cut));
  const lags = { baseline: lag1(logs.baseline), candidate: lag1(logs.candidate) };
  const { baseline: nsB, candidate: nsC } = splitArms(arms, ok.latencyNs.subarray(cut));
  nsB.sort();
  nsC.sort();
  return {
    round: r.round,
    valid: valid && nsB.length > 0 && nsC.length > 0,
    cut,
    lag1: lags,
    // log is monotone: the sorted logs are the logs of the sorted values.
    log: { baseline: nsB.map(Math.log), candidate: nsC.map(Math.log) },
    ns: { baseline: nsB, candidate: nsC },
    ...afterCut(r, cut),
    requests: r.arm.length,
  };
}

function afterCut(r: RoundData, cut: number): Pick<PreparedRound, 'errors' | 'counted'> {
  const { requests, errors } = countsAfterCut(r, cut);
  return { errors, counted: requests };
}
