// Synthetic history records for the tests and the trend picture.
import { createHash } from 'node:crypto';
import type { HistoryRecord, RunnerFacts } from '../../src/history/record';
import { HISTORY_SCHEMA } from '../../src/history/record';

export const EPYC: RunnerFacts = { cpuModel: 'AMD EPYC 7763 64-Core Processor', vcpus: 4, kernel: 'Linux 6.8.0-1017-azure' };
export const XEON: RunnerFacts = { cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', vcpus: 2, kernel: 'Linux 6.5.0-1025-azure' };

export function record(i: number, over: Partial<HistoryRecord> = {}, shiftNs = 1000 + i): HistoryRecord {
  const baseline = 300_000;
  return {
    schema: HISTORY_SCHEMA,
    gate: 'latency',
    commit: createHash('sha1').update(`commit ${i}`).digest('hex'),
    branch: 'main',
    date: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(),
    runtime: 'kind',
    runner: EPYC,
    hook: { sha256: 'a'.repeat(64), baselineSha256: null },
    verdict: 'no-regression',
    threshold: { relative: 0.05 },
    shift: { relative: shiftNs / baseline, ns: shiftNs, ci: [(shiftNs - 300) / baseline, (shiftNs + 300) / baseline], ciNs: [shiftNs - 300, shiftNs + 300] },
    median: { baseline, candidate: baseline + shiftNs },
    n: { baseline: 4000, candidate: 4000 },
    rounds: 20,
    ...over,
  };
}
