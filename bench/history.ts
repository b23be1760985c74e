// The history file at scale: 10 000 records (one runner type, a kernel change and two steps) written
// as JSON Lines, then parsed and analysed (spans, change points) as `hook-latency history` does.
// E-divisive searches the newest MAX_SERIES records of each runner type (src/history/change-points.ts).
import { performance } from 'node:perf_hooks';
import { analyseHistory, MAX_SERIES } from '../src/history/change-points';
import { HISTORY_SCHEMA, parseHistoryStrict, recordLine, type HistoryRecord } from '../src/history/record';
import { Prng } from '../src/experiment/prng';

function syntheticRecords(n: number): HistoryRecord[] {
  const g = new Prng(7);
  return Array.from({ length: n }, (_, i) => {
    const ns = 2000 + (i > n - 300 ? 80 : 0) + (i > n - 120 ? 60 : 0) + 25 * (g.nextFloat() + g.nextFloat() - 1);
    return {
      schema: HISTORY_SCHEMA,
      gate: 'latency',
      commit: i.toString(16).padStart(40, '0'),
      branch: 'main',
      date: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      runtime: 'kind',
      runtimeVersion: 'kind v0.23.0 go1.22.2 linux/amd64',
      runner: { cpuModel: 'AMD EPYC 7763 64-Core Processor', vcpus: 4, kernel: i < n / 2 ? 'Linux 6.5.0-1025-azure' : 'Linux 6.8.0-1017-azure', image: 'ubuntu24 20250105.1' },
      hook: { sha256: 'a'.repeat(64), baselineSha256: null },
      verdict: 'no-regression',
      threshold: { relative: 0.05 },
      shift: { relative: ns / 300_000, ns, ci: [(ns - 300) / 300_000, (ns + 300) / 300_000], ciNs: [ns - 300, ns + 300] },
      median: { baseline: 300_000, candidate: 300_000 + ns },
      n: { baseline: 4000, candidate: 4000 },
      rounds: 20,
    };
  });
}

export function benchHistory(n = 10_000): string[] {
  const text = syntheticRecords(n).map(recordLine).join('');
  const t0 = performance.now();
  const records = parseHistoryStrict(text, 'bench.jsonl');
  const t1 = performance.now();
  const a = analyseHistory(records);
  const t2 = performance.now();
  return [
    `history of ${records.length} records (${(text.length / 1024 / 1024).toFixed(1)} MiB, ${Math.round(text.length / n)} B per record): ` +
      `loaded in ${(t1 - t0).toFixed(0)} ms, analysed in ${(t2 - t1).toFixed(0)} ms (${a.spans.length} spans, ${a.changePoints.length} change points ` +
      `in the newest ${MAX_SERIES} records); total ${((t2 - t0) / 1000).toFixed(2)} s (target < 2 s)`,
  ];
}
