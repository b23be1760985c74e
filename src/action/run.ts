// The Action's main step: inputs -> config -> (history read) -> runtime -> gate -> outputs -> artifact
// -> job summary -> PR comment -> (history append) -> setFailed per fail-on. Each concern lives in its own module; this only sequences them.
import * as core from '@actions/core';
import { readInputs, type ActionInputs } from './input-helper';
import { outcomeMarkdown, partialSamples, type Outcome } from './outcome';
import { setErrorOutputs, setVerdictOutputs } from './outputs';
import { actionLedger, saveRunState } from './state-helper';
import { writeJobSummary } from './summary';
import { progressLine } from '../commands/run';
import { exitCodeFor } from '../commands/exit';
import { runGate } from '../engine';
import { messageOf, RunError, UsageError } from '../errors';
import { uploadResults } from '../github/artifact';
import { postComment } from '../github/comment';
import { artifactUrl, runUrl } from '../github/links';
import { createRuntime } from '../runtimes';
import { appendHistory, historyLine, historyRole, readHistory, type HistoryRead } from './history';

export async function runAction(): Promise<void> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs();
  } catch (err) {
    return inputError(err);
  }
  const { config } = inputs;
  saveRunState({ kubeconfig: config.pod.kubeconfig });
  const role = historyRole();
  const history: HistoryRead = inputs.history.enabled ? await readHistory(inputs.history, inputs.githubToken) : null;

  let outcome: Outcome;
  try {
    const runtime = await createRuntime(config, actionLedger);
    core.info(`hook latency: runtime ${runtime.name}, results in ${config.out}`);
    const verdict = await runGate(runtime, config, {
      onLook: (l) => core.info(progressLine(l)),
      history: history && 'records' in history ? history.records : undefined,
    });
    outcome = { kind: 'verdict', verdict, out: config.out };
    setVerdictOutputs(verdict, config.out ?? '');
  } catch (err) {
    if (err instanceof UsageError) return inputError(err);
    if (!(err instanceof RunError)) core.debug(err instanceof Error ? (err.stack ?? err.message) : String(err));
    outcome = { kind: 'error', message: messageOf(err), out: config.out, ...(await partialSamples(config.out)) };
    setErrorOutputs(config.out, outcome.samples);
  }

  const uploaded = await uploadResults(inputs.artifactName, config.out);
  const trend = historyLine(history, outcome.kind === 'verdict' ? outcome.verdict : undefined, role, inputs.history);
  const markdown =
    outcomeMarkdown(outcome, {
      run: runUrl(),
      artifact: artifactUrl(uploaded?.id),
      artifactName: uploaded?.name,
    }) + (trend ? `\n${trend}\n` : '');
  await writeJobSummary(markdown);
  await postComment({
    token: inputs.githubToken,
    mode: inputs.comment,
    body: markdown,
    regression: outcome.kind === 'verdict' && outcome.verdict.verdict === 'regression',
  });

  if (inputs.history.enabled && role.kind === 'write' && outcome.kind === 'verdict') {
    await appendHistory(inputs.history, inputs.githubToken, outcome.verdict, config, role.branch);
  }

  if (outcome.kind === 'error') {
    core.setFailed(`hook latency: the run failed: ${outcome.message}`);
  } else if (exitCodeFor(outcome.verdict, config.failOn) !== 0) {
    core.setFailed(`hook latency: ${outcome.verdict.verdict}: ${outcome.verdict.reason}`);
  } else {
    core.info(`hook latency: ${outcome.verdict.verdict}: ${outcome.verdict.reason}`);
  }
}

/** Bad input: one annotation line, no stack; a one-line job summary says the same. */
async function inputError(err: unknown): Promise<void> {
  const msg = messageOf(err);
  await writeJobSummary(`### ⛔ hook latency: **bad input**\n\n${msg}\n`);
  core.setFailed(msg);
}
