// Where the cost is, live (docs/evidence.md "Where the cost is"): repeated --decompose runs of the built CLI on
// the local runtime with the example SUT. Per case: how often the check said what, and the ranges of
// the predicted overhead, the measured shift and their difference; readhook.so's per-function table.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CostDecomposition } from '../src/cost/decompose';
import type { Verdict } from '../src/types';
import { formatNs } from '../src/units';

interface Case {
  name: string;
  hook: string;
  env?: Record<string, string>;
  connection?: 'keep-alive' | 'new';
  runs: number;
}

/** Runs COST_RUNS (default 10) runs of each gated case, then readhook.so once per connection mode. */
export async function benchCost(root: string, dir: string, runs = Number(process.env.COST_RUNS ?? 10)): Promise<string[]> {
  execFileSync('make', ['-s', '-C', join(root, 'hook')]);
  const cases: Case[] = [
    { name: 'outside.so (1 filter, the default)', hook: 'outside', runs },
    { name: 'outside.so (4 filters, as in the test)', hook: 'outside', env: { HOOK_OUTSIDE_FILTERS: '4' }, runs },
    { name: 'delay.so 20 µs per read', hook: 'delay', env: { HOOK_DELAY_NS: '20000' }, runs },
  ];
  const lines: string[] = [];
  for (const c of cases) {
    const costs: CostDecomposition[] = [];
    for (let i = 0; i < c.runs; i++) costs.push(decomposeRun(root, dir, c).cost as CostDecomposition);
    lines.push(summarise(c.name, costs));
  }
  for (const connection of ['keep-alive', 'new'] as const) {
    const v = decomposeRun(root, dir, { name: 'readhook', hook: 'readhook', connection, runs: 1 });
    lines.push(`readhook.so, ${connection}: verdict ${v.verdict}, shift ${formatNs(v.shift.ns)} [${v.shift.ciNs.map(formatNs).join(', ')}]`);
    lines.push(...functionTable(v.cost as CostDecomposition));
  }
  return lines;
}

function decomposeRun(root: string, dir: string, c: Case): Verdict {
  const file = join(dir, `cost-${c.hook}.yml`);
  writeFileSync(
    file,
    [
      'runtime: local',
      'sut:',
      `  command: ${join(root, 'examples/sut/build/sut')}`,
      '  ready-path: /healthz',
      `  env: ${JSON.stringify(c.env ?? {})}`,
      `hook: ${join(root, 'hook/build', `${c.hook}.so`)}`,
      `connection: ${c.connection ?? 'keep-alive'}`,
      'threshold: 0',
      'requests-per-round: 400',
      'warmup-requests: 50',
      'max-duration: 60s',
      'decompose: true',
      '',
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'run', '--config', file, '--json'], { encoding: 'utf8', timeout: 300_000 });
  if (!r.stdout) throw new Error(`hook-latency run failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as Verdict;
}

function summarise(name: string, costs: CostDecomposition[]): string {
  const counts = new Map<string, number>();
  for (const c of costs) counts.set(c.check, (counts.get(c.check) ?? 0) + 1);
  const range = (xs: number[]) => `${formatNs(Math.min(...xs))} .. ${formatNs(Math.max(...xs))}`;
  return (
    `${name}: ${[...counts].map(([check, k]) => `${check} ${k} of ${costs.length}`).join(', ')}; ` +
    `predicted ${range(costs.map((c) => c.predicted.ns))}, measured ${range(costs.map((c) => c.measured.ns))}, ` +
    `measured - predicted ${range(costs.map((c) => c.excess.ns))} (lower bounds ${range(costs.map((c) => c.excess.ciNs[0]))})`
  );
}

function functionTable(cost: CostDecomposition): string[] {
  const rows = cost.functions
    .filter((f) => f.callsPerRequest > 0)
    .map((f) => `  ${f.name}: ${f.callsPerRequest.toFixed(2)} calls/request x ${f.perCallNs === undefined ? f.note : `${formatNs(f.perCallNs)} [${f.perCallCiNs!.map(formatNs).join(', ')}]`}`);
  return [
    ...rows,
    `  predicted ${formatNs(cost.predicted.ns)} [${cost.predicted.ciNs.map(formatNs).join(', ')}], measured ${formatNs(cost.measured.ns)} [${cost.measured.ciNs.map(formatNs).join(', ')}]: ${cost.check}`,
  ];
}
