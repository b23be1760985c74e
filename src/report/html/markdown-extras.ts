// A small Mermaid chart of the per-round shifts for the PR comment and the job summary (GitHub
// renders `xychart-beta` blocks). Appended to verdictMarkdown's output by the caller.
import { prepareRound } from '../../experiment/prepared-round';
import { median } from '../../stats';
import type { RoundData, Verdict } from '../../types';
import { budgetRelative, roundShift } from './data';

/** At most this many bars; more rounds are grouped into consecutive bins (median of their shifts). */
export const MAX_BARS = 40;

function perRoundShifts(rounds: RoundData[]): Array<{ round: number; relative: number }> {
  return rounds
    .map(prepareRound)
    .filter((p) => p.valid)
    .map((p) => ({ round: p.round, relative: roundShift(p) }));
}

export function reportMarkdownExtras(rounds: RoundData[], verdict: Verdict): string {
  const shifts = perRoundShifts(rounds).filter((s) => Number.isFinite(s.relative));
  if (shifts.length === 0) return '';
  const groups = binRounds(shifts, MAX_BARS);
  const bars = groups.map((g) => pct(g.relative));
  const pooled = pct(verdict.shift.relative);
  const budget = budgetRelative(verdict);
  const values = [...bars, pooled, ...(Number.isFinite(budget) ? [pct(budget)] : []), 0];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.1, 0.5);
  const grouped = groups.some((g) => g.label.includes('-'));
  const lines = [
    '',
    '<details><summary>Shift per round</summary>',
    '',
    '```mermaid',
    'xychart-beta',
    `    title "Shift per ${grouped ? 'group of rounds (median)' : 'round'}, %: bars; pooled and budget: lines"`,
    `    x-axis "round" [${groups.map((g) => `"${g.label}"`).join(', ')}]`,
    `    y-axis "candidate vs baseline (%)" ${round2(lo - pad)} --> ${round2(hi + pad)}`,
    `    bar [${bars.join(', ')}]`,
    `    line [${groups.map(() => pooled).join(', ')}]`,
  ];
  if (Number.isFinite(budget)) lines.push(`    line [${groups.map(() => pct(budget)).join(', ')}]`);
  lines.push(
    '```',
    '',
    `Pooled shift ${pooled}% (line), budget ${Number.isFinite(budget) ? `${pct(budget)}%` : 'n/a'} (line); ${shifts.length} valid rounds.`,
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

function binRounds(s: Array<{ round: number; relative: number }>, max: number): Array<{ label: string; relative: number }> {
  if (s.length <= max) return s.map((r) => ({ label: String(r.round), relative: r.relative }));
  const size = Math.ceil(s.length / max);
  const out: Array<{ label: string; relative: number }> = [];
  for (let i = 0; i < s.length; i += size) {
    const g = s.slice(i, i + size);
    out.push({ label: `${g[0].round}-${g[g.length - 1].round}`, relative: median(g.map((r) => r.relative)) });
  }
  return out;
}

function pct(ratio: number): number {
  return round2(ratio * 100);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
