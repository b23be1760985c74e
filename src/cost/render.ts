// The decomposition in words and tables: the text summary's rows and the Markdown section
// (summary.md, job summary, PR comment).
import { formatNs } from '../units';
import type { CostDecomposition, CostReport, FunctionCost } from './decompose';

const CHECK_ICON = { consistent: '✅', outside: '⚠️', smaller: 'ℹ️' } as const;
const METHOD = { preload: 'counting preload', strace: 'strace' } as const;

const interval = (ci: [number, number]) => `${formatNs(ci[0])} .. ${formatNs(ci[1])}`;

/** Text rows: the prediction beside the measurement, and the check's sentence. */
export function costRows(cost: CostReport): Array<[string, string]> {
  if ('unavailable' in cost) return [['cost', `not decomposed: ${cost.unavailable}`]];
  const rows: Array<[string, string]> = [
    ['predicted', `${formatNs(cost.predicted.ns)} per request (${interval(cost.predicted.ciNs)}) = ${predictionTerms(cost)}`],
    ['measured', `${formatNs(cost.measured.ns)} per request (${interval(cost.measured.ciNs)})`],
    ['check', cost.message],
  ];
  const perCall = [slowerPerCall(cost), fasterPerCall(cost), uncountedLine(cost)].filter(Boolean).map((l) => l.replace(/`/g, ''));
  if (perCall.length) rows.push(['per call', perCall.join(' ')]);
  return rows;
}

function predictionTerms(cost: CostDecomposition): string {
  const terms = cost.functions.filter((f) => f.predictedNs !== undefined && f.callsPerRequest > 0);
  return terms.length ? terms.map((f) => `${f.name} ${f.callsPerRequest.toFixed(2)} × ${formatNs(f.perCallNs!)}`).join(' + ') : '0';
}

/** The Markdown section: one row per wrapped function with calls, then the total and the check. */
export function costMarkdown(cost: CostReport): string {
  if ('unavailable' in cost) return `\n**Where the cost is**: not decomposed (${cost.unavailable}).\n`;
  const rows = cost.functions.filter((f) => f.callsPerRequest > 0).map(functionRow);
  const lines = [
    '',
    `**Where the cost is** (calls counted by ${METHOD[cost.method]}, cost per call by micro benchmark)`,
    '',
    '| function | calls / request | hook cost / call | per request |',
    '|---|---:|---:|---:|',
    ...rows,
    `| **predicted** | | | **${formatNs(cost.predicted.ns)}** (${interval(cost.predicted.ciNs)}) |`,
    `| **measured** (macro shift) | | | **${formatNs(cost.measured.ns)}** (${interval(cost.measured.ciNs)}) |`,
    '',
    `${CHECK_ICON[cost.check]} ${cost.message.charAt(0).toUpperCase()}${cost.message.slice(1)}.`,
  ];
  for (const line of [slowerPerCall(cost), fasterPerCall(cost), uncountedLine(cost)]) if (line) lines.push('', line);
  return `${lines.join('\n')}\n`;
}

/** The functions whose cost per call is above the baseline's (interval above 0), costliest per request first. */
export function slowerPerCall(cost: CostDecomposition): string {
  const slower = cost.functions
    .filter((f) => f.perCallCiNs !== undefined && f.perCallCiNs[0] > 0 && f.callsPerRequest > 0)
    .sort((a, b) => b.predictedNs! - a.predictedNs!);
  if (slower.length === 0) return '';
  return `Slower per call than the baseline: ${slower.map((f) => `\`${f.name}\` +${formatNs(f.perCallNs!)} (${formatNs(f.predictedNs!)} per request${whoWraps(f)})`).join(', ')}.`;
}

/** The functions whose cost per call is below the baseline's (interval below 0): faster, or dropped by the hook. */
export function fasterPerCall(cost: CostDecomposition): string {
  const faster = cost.functions
    .filter((f) => f.perCallCiNs !== undefined && f.perCallCiNs[1] < 0 && f.callsPerRequest > 0)
    .sort((a, b) => a.predictedNs! - b.predictedNs!);
  if (faster.length === 0) return '';
  return `Faster per call than the baseline: ${faster.map((f) => `\`${f.name}\` −${formatNs(-f.perCallNs!)} (−${formatNs(-f.predictedNs!)} per request${whoWraps(f)})`).join(', ')}.`;
}

/** Wrapped functions that have neither a counter nor a micro driver. */
export function uncountedLine(cost: CostDecomposition): string {
  if (!cost.uncounted?.length) return '';
  return `Not counted and not micro-benchmarked (no counter or micro driver for them): ${cost.uncounted.map((f) => `\`${f}\``).join(', ')}.`;
}

function whoWraps(f: FunctionCost): string {
  return f.wrappedBy && f.wrappedBy !== 'both' ? `; wrapped by the ${f.wrappedBy}` : '';
}

function functionRow(f: FunctionCost): string {
  const calls = f.callsPerRequest.toFixed(2);
  const name = `\`${f.name}\`${f.wrappedBy && f.wrappedBy !== 'both' ? ` (${f.wrappedBy})` : ''}`;
  if (f.perCallNs === undefined) return `| ${name} | ${calls} | ${f.note ?? 'not measured'} | |`;
  return `| ${name} | ${calls} | ${formatNs(f.perCallNs)} (${interval(f.perCallCiNs!)}) | ${formatNs(f.predictedNs!)} (${interval(f.predictedCiNs!)}) |`;
}
