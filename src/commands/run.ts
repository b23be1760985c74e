// `hook-latency run`: config -> runtime -> sequential gate -> output -> exit code.
import { buildConfig, mergeConfig } from '../config';
import { runGate } from '../engine';
import { ResourceList } from '../experiment/resource-list';
import { removeAll } from '../runtime/remove-resources';
import { createRuntime } from '../runtime';
import { formatP, verdictTable } from '../report/text';
import type { LookRecord, Verdict } from '../types';
import { formatPercent } from '../units';
import { configLayers, type CliFlags } from './flags';
import { exitCodeFor } from './exit';

/** What the run created outside this process and has not removed yet: what Ctrl-C must remove. */
const ledger = new ResourceList();
let kubeconfig: string | undefined;

export async function runCommand(flags: CliFlags): Promise<number> {
  const config = buildConfig(mergeConfig(...configLayers(flags)));
  kubeconfig = config.pod.kubeconfig;
  const runtime = await createRuntime(config, ledger);
  const verdict = await runGate(runtime, config, { onLook: (l) => process.stderr.write(`${progressLine(l)}\n`) });
  printVerdict(verdict, flags.json === true);
  return exitCodeFor(verdict, config.failOn);
}

/**
 * On Ctrl-C the runtime's teardown never runs: removes the pods, namespaces and kind cluster it
 * left, as the Action's post step would. Resolves to how many could not be removed.
 */
export function removeLeftovers(log: (line: string) => void): Promise<number> {
  const left = ledger.resources();
  if (left.length === 0) return Promise.resolve(0);
  return removeAll(left, { kubeconfig, tools: ledger.tools(), log: { info: log, warning: (l) => log(`warning: ${l}`) } });
}

export function printVerdict(verdict: Verdict, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdictTable(verdict)}\n`);
}

export function progressLine(l: LookRecord): string {
  const n = l.n.baseline + l.n.candidate;
  return (
    `look ${l.look}: ${l.rounds} rounds, n ${n} of ~${l.plannedRequests} planned, shift ${formatPercent(l.shiftRelative)}, ` +
    `Z ${l.z.toFixed(2)} vs boundary ${Number.isFinite(l.boundary) ? l.boundary.toFixed(2) : '∞'} (p ${formatP(l.p)} vs ${formatP(l.boundaryP)})` +
    (l.tailP !== undefined ? `; tail p ${formatP(l.tailP)} vs ${formatP(l.tailLevel ?? NaN)}` : '')
  );
}
