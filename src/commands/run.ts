// `hook-latency run`: config -> runtime -> sequential gate -> output -> exit code.
import { buildConfig, mergeConfig } from '../config';
import { runGate } from '../engine';
import { createRuntime } from '../runtimes';
import { formatP, verdictTable } from '../report/text';
import type { LookRecord, Verdict } from '../types';
import { formatPercent } from '../units';
import { configLayers, type CliFlags } from './flags';
import { exitCodeFor } from './exit';

export async function runCommand(flags: CliFlags): Promise<number> {
  const config = buildConfig(mergeConfig(...configLayers(flags)));
  const runtime = await createRuntime(config);
  const verdict = await runGate(runtime, config, { onLook: (l) => process.stderr.write(`${progressLine(l)}\n`) });
  printVerdict(verdict, flags.json === true);
  return exitCodeFor(verdict, config.failOn);
}

export function printVerdict(verdict: Verdict, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdictTable(verdict)}\n`);
}

export function progressLine(l: LookRecord): string {
  const n = l.n.baseline + l.n.candidate;
  return (
    `look ${l.look}: ${l.rounds} rounds, n ${n} of ~${l.plannedRequests} planned, shift ${formatPercent(l.shiftRelative)}, ` +
    `Z ${l.z.toFixed(2)} vs boundary ${Number.isFinite(l.boundary) ? l.boundary.toFixed(2) : '∞'} (p ${formatP(l.p)} vs ${formatP(l.boundaryP)})`
  );
}
