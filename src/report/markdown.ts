// The verdict as Markdown: summary.md, the job summary and the PR comment share it.
import type { Verdict } from '../types';
import { formatNs, formatPercent, formatThreshold } from '../units';
import { callsLine, failedText, formatP, levelText, placementLine, reasonSentence, resolutionText, tailLine } from './text';
import { outcomeOf } from '../experiment/outcome';
import { costMarkdown } from '../cost/render';

const ICON = { regression: '🔴', 'within-budget': '🟢', 'no-regression': '⚪', inconclusive: '🟡' } as const;
const CHECK_ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

export function verdictMarkdown(v: Verdict): string {
  const lines = [
    // The heading stays one fixed shape (the fork-PR comment job checks it); the failing parts follow.
    `### ${ICON[outcomeOf(v)]} hook latency: **${outcomeOf(v)}**`,
    '',
    ...(failedText(v) ? [`**Failed: ${failedText(v)}**`, ''] : []),
    reasonSentence(v),
    '',
    '| | |',
    '|---|---|',
    `| shift (candidate vs baseline) | **${formatPercent(v.shift.relative)}** (${formatNs(v.shift.ns)}) |`,
    `| ${levelText(v)} confidence interval (repeated, at the final look) | ${formatPercent(v.shift.ci[0])} .. ${formatPercent(v.shift.ci[1])} |`,
    `| budget | ${formatThreshold(v.threshold)} |`,
    `| tail | ${tailLine(v)} |`,
    `| smallest slowdown this run would have called a regression | ${resolutionText(v)} |`,
    `| p (design-based) | ${formatP(v.p)} vs boundary ${formatP(v.looks.at(-1)?.boundaryP ?? NaN)} |`,
    `| median | baseline ${formatNs(v.median.baseline)}, candidate ${formatNs(v.median.candidate)} |`,
    `| samples | ${v.n.baseline} + ${v.n.candidate} in ${v.rounds} rounds, ${v.looks.length} looks |`,
    `| power for the planned effect | ${(v.power * 100).toFixed(0)}% |`,
    `| warm-up removed | ${v.warmup.removed} requests |`,
    `| errors | baseline ${v.errors.baseline}, candidate ${v.errors.candidate} |`,
    `| runtime | ${v.runtime} (${v.mode} benchmark) |`,
  ];
  if (v.calls) lines.push(`| hooked calls per request | ${callsLine(v)} |`);
  if (v.placement) lines.push(`| CPU placement | ${placementLine(v.placement)} |`);
  if (v.cost) lines.push(costMarkdown(v.cost).trimEnd());
  if (v.checks.length > 0) {
    lines.push('', '**Checks**', '');
    for (const c of v.checks) lines.push(`- ${CHECK_ICON[c.status]} \`${c.id}\`: ${c.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
