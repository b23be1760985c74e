// Writes report.html into a run's output directory (called by the engine after the verdict).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryRecord } from '../../history/record';
import type { RoundData, Verdict } from '../../types';
import { renderReport } from './render';

const REPORT_FILE = 'report.html';

/** Renders the report and writes DIR/report.html; returns the path written. */
export function writeReport(dir: string, rounds: RoundData[], verdict: Verdict, environment?: Record<string, string>, history?: HistoryRecord[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, REPORT_FILE);
  writeFileSync(path, renderReport({ rounds, verdict, environment, history }));
  return path;
}
