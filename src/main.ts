// GitHub Action entry: inputs -> config -> run -> report -> outputs / setFailed.
import * as core from '@actions/core';
import { buildConfig, mergeConfig, loadConfigFile, type RawConfig } from './config';
import { runGate } from './engine';
import { exitCodeFor } from './commands/exit';
import { messageOf } from './errors';
import { verdictMarkdown } from './report/markdown';
import { createRuntime } from './runtimes';
import { progressLine } from './commands/run';

const INPUTS = [
  'runtime', 'replay', 'hook', 'baseline-hook', 'threshold', 'alpha', 'power', 'mde', 'max-requests',
  'max-duration', 'requests-per-round', 'warmup-requests', 'connection', 'seed', 'fail-on',
] as const;

function inputsToRaw(): RawConfig {
  const raw: RawConfig = {};
  for (const name of INPUTS) raw[name] = core.getInput(name);
  raw.out = core.getInput('out') || 'hook-latency-results';
  return raw;
}

async function run(): Promise<void> {
  const configPath = core.getInput('config');
  const config = buildConfig(mergeConfig(configPath ? loadConfigFile(configPath) : {}, inputsToRaw()));
  const runtime = await createRuntime(config);
  const verdict = await runGate(runtime, config, { onLook: (l) => core.info(progressLine(l)) });
  core.setOutput('verdict', verdict.verdict);
  core.setOutput('p-value', String(verdict.p));
  core.setOutput('shift', String(verdict.shift.relative));
  core.setOutput('shift-ci-low', String(verdict.shift.ci[0]));
  core.setOutput('shift-ci-high', String(verdict.shift.ci[1]));
  core.setOutput('samples', String(verdict.n.baseline + verdict.n.candidate));
  core.setOutput('rounds', String(verdict.rounds));
  core.setOutput('report-path', config.out ?? '');
  await core.summary.addRaw(verdictMarkdown(verdict)).write();
  if (exitCodeFor(verdict, config.failOn) !== 0) core.setFailed(`hook latency: ${verdict.verdict} — ${verdict.reason}`);
}

run().catch((err: unknown) => core.setFailed(messageOf(err)));
