// Step outputs: numbers as plain decimals (ratios, not percents) so `if:` expressions can compare them.
import * as core from '@actions/core';
import { outcomeOf, withinBudgetOf } from '../experiment/outcome';
import type { Verdict } from '../types';

export const OUTPUTS = ['verdict', 'outcome', 'failed', 'within-budget', 'p-value', 'shift', 'shift-ci-low', 'shift-ci-high', 'samples', 'rounds', 'report-path'] as const;
type OutputName = (typeof OUTPUTS)[number];

/** Only names in OUTPUTS (the list action.yml is tested against) can be set. */
function setOutputs(values: Partial<Record<OutputName, string>>): void {
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value);
}

export function setVerdictOutputs(v: Verdict, reportPath: string): void {
  const all: Record<OutputName, string> = {
    verdict: v.verdict,
    outcome: outcomeOf(v),
    failed: (v.failed ?? []).join(','),
    'within-budget': String(withinBudgetOf(v)),
    'p-value': num(v.p),
    shift: num(v.shift.relative),
    'shift-ci-low': num(v.shift.ci[0]),
    'shift-ci-high': num(v.shift.ci[1]),
    samples: String(v.n.baseline + v.n.candidate),
    rounds: String(v.rounds),
    'report-path': reportPath,
  };
  setOutputs(all);
}

/** The run failed before a verdict: `verdict=error`, and where the partial results are. */
export function setErrorOutputs(reportPath: string | undefined, samples: number): void {
  setOutputs({ verdict: 'error', samples: String(samples), ...(reportPath ? { 'report-path': reportPath } : {}) });
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '';
}
