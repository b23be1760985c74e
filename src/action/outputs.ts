// Step outputs: numbers as plain decimals (ratios, not percents) so `if:` expressions can compare them.
import * as core from '@actions/core';
import type { Verdict } from '../types';

export const OUTPUTS = ['verdict', 'p-value', 'shift', 'shift-ci-low', 'shift-ci-high', 'samples', 'rounds', 'report-path'] as const;

export function setVerdictOutputs(v: Verdict, reportPath: string): void {
  core.setOutput('verdict', v.verdict);
  core.setOutput('p-value', num(v.p));
  core.setOutput('shift', num(v.shift.relative));
  core.setOutput('shift-ci-low', num(v.shift.ci[0]));
  core.setOutput('shift-ci-high', num(v.shift.ci[1]));
  core.setOutput('samples', String(v.n.baseline + v.n.candidate));
  core.setOutput('rounds', String(v.rounds));
  core.setOutput('report-path', reportPath);
}

/** The run failed before a verdict: `verdict=error`, and where the partial results are. */
export function setErrorOutputs(reportPath: string | undefined, samples: number): void {
  core.setOutput('verdict', 'error');
  core.setOutput('samples', String(samples));
  if (reportPath) core.setOutput('report-path', reportPath);
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '';
}
