// The Action's side of the history (`history: on`): which role this event plays, reading the gate's
// history before the run (for the report's trend chart and the comment's history line), and
// appending this run's record after a push to the default branch. Any API trouble (a fork's
// read-only token, no `contents: write`) is a warning: history is never the reason a job fails.
import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';
import type { Config } from '../config';
import { messageOf, UsageError } from '../errors';
import { runUrl } from '../github/links';
import { hookSha256, runnerFacts, runtimeVersion } from '../history/facts';
import { parseHistory, recordLine, recordOf, type HistoryRecord } from '../history/record';
import { DataBranch, GATE_NAME, historyPath, statusOf } from '../history/store';
import { trendLine } from '../history/trend';
import type { Verdict } from '../types';

export const HISTORY_INPUTS = ['history', 'history-branch', 'history-name', 'history-length'] as const;
type HistoryInput = (typeof HISTORY_INPUTS)[number];

export interface HistorySettings {
  enabled: boolean;
  /** The data branch. */
  branch: string;
  /** The gate's name: its file is `<name>.jsonl`. */
  gate: string;
  /** How many comparable records the history line compares with. */
  length: number;
}

/** A branch name git and the API accept (no `..`, no leading or trailing `/` or `.`). */
const BRANCH = /^(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}(?<![./])$/;

export function readHistoryInputs(get: (name: HistoryInput) => string, env: NodeJS.ProcessEnv = process.env): HistorySettings {
  const mode = get('history') || 'off';
  if (!['on', 'off', 'true', 'false'].includes(mode)) throw new UsageError(`history must be on or off, got '${mode}'`);
  const branch = get('history-branch') || 'hook-latency-data';
  if (!BRANCH.test(branch)) throw new UsageError(`history-branch must be a branch name, got '${branch}'`);
  const gate = get('history-name') || env.GITHUB_JOB || 'hook-latency';
  if (!GATE_NAME.test(gate)) throw new UsageError(`history-name must be letters, digits, '.', '_' or '-' (a file name), got '${gate}'`);
  const lengthText = get('history-length') || '20';
  const length = Number(lengthText);
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`history-length must be an integer >= 1, got '${lengthText}'`);
  return { enabled: mode === 'on' || mode === 'true', branch, gate, length };
}

/**
 * write: a push (or schedule, manual run) on the default branch appends its record.
 * read: a pull request reads the base branch's records; so does every other event.
 */
export type HistoryRole = { kind: 'write'; branch: string } | { kind: 'read'; base: string | undefined };

export interface EventContext {
  eventName: string;
  ref: string;
  payload: Record<string, unknown>;
}

export function historyRole(ctx: EventContext = context): HistoryRole {
  const pr = ctx.payload.pull_request as { base?: { ref?: unknown } } | undefined;
  if (pr) return { kind: 'read', base: typeof pr.base?.ref === 'string' ? pr.base.ref : undefined };
  const branch = (ctx.ref ?? '').startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) : undefined;
  const defaultBranch = (ctx.payload.repository as { default_branch?: unknown } | undefined)?.default_branch;
  // A scheduled run always runs on the default branch (its payload may not name it).
  const onDefault = branch !== undefined && (defaultBranch === branch || (defaultBranch === undefined && ctx.eventName === 'schedule'));
  if (onDefault && ['push', 'schedule', 'workflow_dispatch'].includes(ctx.eventName)) return { kind: 'write', branch };
  return { kind: 'read', base: typeof defaultBranch === 'string' ? defaultBranch : branch };
}

function store(settings: HistorySettings, token: string): DataBranch {
  const { owner, repo } = context.repo;
  const octokit = getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
  return new DataBranch({ octokit, owner, repo, branch: settings.branch });
}

export type HistoryRead = { records: HistoryRecord[] } | { missing: true } | null;

/** The gate's records, `missing` when there is no history yet, null (after a warning) when unreadable. */
export async function readHistory(settings: HistorySettings, token: string): Promise<HistoryRead> {
  const where = `${settings.branch}:${historyPath(settings.gate)}`;
  if (!token) {
    core.warning(`no github-token: the history in ${where} was not read`);
    return null;
  }
  try {
    const text = await store(settings, token).read(settings.gate);
    if (text === null) {
      core.info(`no history yet in ${where}`);
      return { missing: true };
    }
    const { records, problems } = parseHistory(text);
    for (const p of problems.slice(0, 5)) core.warning(`${where}: ${p} (skipped)`);
    core.info(`read ${records.length} history records from ${where}`);
    return { records };
  } catch (err) {
    core.warning(`could not read the history in ${where}: ${describe(err)}`);
    return null;
  }
}

/** The line the comment and the job summary get (empty when there is nothing to say). */
export function historyLine(read: HistoryRead, verdict: Verdict | undefined, role: HistoryRole, settings: HistorySettings): string {
  if (!read || !verdict) return '';
  if ('missing' in read) {
    return `📈 **history**: no records yet in \`${settings.branch}\` (\`${historyPath(settings.gate)}\`); each push to the default branch appends one.`;
  }
  const base = role.kind === 'read' ? role.base : role.branch;
  const current = { runtime: verdict.runtime, runtimeVersion: runtimeVersion(verdict.runtime), runner: runnerFacts(), shift: verdict.shift };
  return trendLine(read.records, current, base, settings.length);
}

/** Appends this run's record to the data branch (push to the default branch only). */
export async function appendHistory(settings: HistorySettings, token: string, verdict: Verdict, config: Config, branch: string): Promise<void> {
  const record = recordOf(verdict, {
    gate: settings.gate,
    commit: context.sha ?? '',
    branch,
    date: new Date().toISOString(),
    runner: runnerFacts(),
    runtimeVersion: runtimeVersion(verdict.runtime),
    hook: { sha256: hookSha256(config.hook), baselineSha256: hookSha256(config.baselineHook) },
    run: runUrl(),
  });
  const line = recordLine(record);
  const where = `${settings.branch}:${historyPath(settings.gate)}`;
  if (!token) {
    core.warning(`no github-token: the history record was not appended to ${where}`);
    core.info(`history record (not stored): ${line}`);
    return;
  }
  try {
    const message = `hook-latency: ${settings.gate} @ ${(context.sha ?? '').slice(0, 7)} [skip ci]`;
    const r = await store(settings, token).append(settings.gate, line, message);
    const how = r.alreadyThere ? 'found on re-reading after a failed answer' : `commit ${r.commit.slice(0, 7)}${r.createdBranch ? ', created the branch' : ''}`;
    core.info(`appended the history record to ${where} (${how}${r.attempts > 1 ? `, ${r.attempts} attempts` : ''})`);
  } catch (err) {
    core.warning(`could not append the history record to ${where}: ${describe(err)}`);
    core.info(`history record (not stored): ${line}`);
  }
}

function describe(err: unknown): string {
  const status = statusOf(err);
  const msg = messageOf(err).split('\n')[0];
  if (status === 403 || status === 404) {
    return `HTTP ${status} (${msg}). Appending needs \`permissions: contents: write\` on pushes to the default branch; a fork PR's token is read-only`;
  }
  return status ? `HTTP ${status}: ${msg}` : msg;
}
