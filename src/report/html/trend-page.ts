// `hook-latency history FILE.jsonl --out trend.html`: the trend chart of a history file as one
// self-contained page (inline CSS, pre-rendered SVG, no script), like the run report.
import type { HistoryAnalysis } from '../../history/change-points';
import type { HistoryRecord } from '../../history/record';
import { esc } from './escape';
import { pageHead } from './style';
import { pointOfRecord, trendSection } from './trend';

export function renderHistoryPage(records: HistoryRecord[], source: string, analysis: HistoryAnalysis): string {
  const gates = [...new Set(records.map((r) => r.gate))];
  const title = `hook latency history${gates.length === 1 ? `: ${gates[0]}` : ''}`;
  return [
    ...pageHead(title),
    `<h1>${esc(title)}</h1>`,
    trendSection(records.map(pointOfRecord), `${records.length} record${records.length === 1 ? '' : 's'} from ${source}`, analysis.changePoints),
    `<footer>Generated ${esc(new Date().toISOString())} by hook-latency from ${esc(source)}.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
