// The Action's main step: inputs -> config -> (history read) -> runtime -> gate -> outputs -> artifact
// -> job summary -> PR comment -> (history append) -> setFailed per fail-on. Each concern lives in its own module; this only sequences them.
import { outcomeOf } from '../experiment/outcome';
import * as core from '@actions/core';
import { readInputs, type ActionInputs } from './input-helper';
import { outcomeMarkdown, partialSamples, type Outcome } from './outcome';
import { setErrorOutputs, setVerdictOutputs } from './outputs';
import { actionLedger, saveRunState } from './state-helper';
import { writeJobSummary } from './summary';
import { progressLine } from '../commands/run';
import { exitCodeFor } from '../commands/exit';
import { runGate, salvageRoundInProgress } from '../engine';
import { messageOf, RunError, UsageError } from '../errors';
import { uploadResults } from '../github/artifact';
import { postComment } from '../github/comment';
import { writeCommentRequest } from '../github/comment-request';
import { runCommentMode } from './comment-mode';
import { maskSecrets } from '../github/untrusted-text';
import { artifactUrl, runUrl } from '../github/links';
import { createRuntime } from '../runtime';
import { appendHistory, historyLine, historyRole, readHistory, type HistoryRead } from './history';

/** What a cancellation must save: set once the inputs are read. */
let running: { artifactName: string; out?: string } | null = null;
let cancelled = false;

export async function runAction(): Promise<void> {
  const mode = core.getInput('mode') || 'gate';
  if (mode === 'comment') return commentMode();
  let inputs: ActionInputs;
  try {
    if (mode !== 'gate') throw new UsageError(`mode must be gate or comment, got '${mode}'`);
    inputs = readInputs();
  } catch (err) {
    return inputError(err);
  }
  const { config } = inputs;
  running = { artifactName: inputs.artifactName, out: config.out };
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
    outcome = await errorOutcome(messageOf(err), config.out);
  }
  if (cancelled) return; // cancelAction reports and uploads; the gate only ended because it stopped the SUTs
  writeCommentRequest(config.out, inputs.commentKey, inputs.comment);

  const trend = historyLine(history, outcome.kind === 'verdict' ? outcome.verdict : undefined, role, inputs.history);
  const markdown = await publish(outcome, inputs.artifactName, trend ? `\n${trend}\n` : '');
  await postComment({
    token: inputs.githubToken,
    mode: inputs.comment,
    key: inputs.commentKey,
    body: markdown,
    regression: outcome.kind === 'verdict' && outcome.verdict.verdict === 'regression',
  });

  if (inputs.history.enabled && role.kind === 'write' && outcome.kind === 'verdict') {
    await appendHistory(inputs.history, inputs.githubToken, outcome.verdict, config, role.branch);
  }

  if (outcome.kind === 'error') {
    core.setFailed(`hook latency: the run failed: ${outcome.message}`);
  } else if (exitCodeFor(outcome.verdict, config.failOn) !== 0) {
    const strict = config.failOn === 'strict' && outcome.verdict.verdict !== 'regression' ? ' (fail-on: strict passes within-budget only)' : '';
    core.setFailed(`hook latency: ${outcomeOf(outcome.verdict)}: ${outcome.verdict.reason}${strict}`);
  } else {
    core.info(`hook latency: ${outcomeOf(outcome.verdict)}: ${outcome.verdict.reason}`);
  }
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it: within that grace,
 * write the rows of the round in progress, upload every sample the run has, and say so in the job
 * summary. The post step removes what the run created (the ledger is in the step state).
 */
export async function cancelAction(signal: string): Promise<void> {
  cancelled = true;
  core.warning(`hook latency: cancelled (${signal}); uploading the samples measured so far`);
  salvageRoundInProgress();
  if (!running) return;
  const outcome = await errorOutcome(`cancelled (${signal})`, running.out);
  await publish(outcome, running.artifactName);
  core.setFailed(`hook latency: cancelled (${signal}) after ${outcome.samples} samples from ${outcome.rounds} rounds`);
}

/** A run that ended without a verdict: the samples it left in OUT, also set as the step outputs. */
async function errorOutcome(message: string, out: string | undefined): Promise<Extract<Outcome, { kind: 'error' }>> {
  const outcome = { kind: 'error' as const, message, out, ...(await partialSamples(out)) };
  setErrorOutputs(out, outcome.samples);
  return outcome;
}

/** Uploads the results as the artifact and writes the job summary (EXTRA appended); returns its Markdown. */
async function publish(outcome: Outcome, artifactName: string, extra = ''): Promise<string> {
  const uploaded = await uploadResults(artifactName, outcome.out);
  // The summary and the comment quote what the SUT, kubectl and the cluster said.
  const markdown = maskSecrets(outcomeMarkdown(outcome, { run: runUrl(), artifact: artifactUrl(uploaded?.id), artifactName: uploaded?.name }) + extra);
  await writeJobSummary(markdown);
  return markdown;
}

/** mode: comment (a workflow_run job): bad input is one line, any other trouble fails the step with one line. */
async function commentMode(): Promise<void> {
  try {
    await runCommentMode(core.getInput);
  } catch (err) {
    if (err instanceof UsageError) return inputError(err);
    core.setFailed(`hook latency comment: ${messageOf(err).split('\n')[0]}`);
  }
}

/** Bad input: one annotation line, no stack; a one-line job summary says the same. */
async function inputError(err: unknown): Promise<void> {
  const msg = messageOf(err);
  await writeJobSummary(`### ⛔ hook latency: **bad input**\n\n${msg}\n`);
  core.setFailed(msg);
}
