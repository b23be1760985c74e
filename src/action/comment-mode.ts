// `mode: comment`: the second, trusted job of a fork PR's gate. It runs on `workflow_run` (the base
// repository's workflow, its token may write), downloads the gate job's artifact of the triggering
// run as data, checks it (github/comment-request.ts) and against the event (the run's head commit,
// the PR's current head), and writes the sticky comment the gate job could not. It checks out
// nothing and runs nothing from the artifact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient, type Artifact } from '@actions/artifact';
import { context, getOctokit } from '@actions/github';
import { messageOf, UsageError } from '../errors';
import { postComment } from '../github/comment';
import { readArtifactComment, type ArtifactComment } from '../github/comment-request';
import { maskSecrets } from '../github/untrusted-text';

/** Largest artifact downloaded (the gate's results are a few MiB at most). */
export const MAX_ARTIFACT_BYTES = 64 << 20;

interface TriggeringRun {
  id: number;
  headSha: string;
  event: string;
  htmlUrl: string;
  /** The PRs GitHub links to the run (empty for a fork's PR). */
  pullRequests: number[];
}

export async function runCommentMode(get: (name: string) => string): Promise<void> {
  const run = triggeringRun();
  const token = get('github-token');
  if (!token) throw new UsageError('mode: comment needs github-token (actions: read, pull-requests: write)');
  const prefix = get('artifact-name') || 'hook-latency';
  if (run.event !== 'pull_request') {
    core.info(`the triggering run ${run.id} ran on ${run.event}, not pull_request: no PR comment`);
    return;
  }
  const { owner, repo } = context.repo;
  const findBy = { token, workflowRunId: run.id, repositoryOwner: owner, repositoryName: repo };
  const client = new DefaultArtifactClient();
  const { artifacts } = await client.listArtifacts({ findBy, latest: true });
  const ours = artifacts.filter((a) => a.name.startsWith(prefix)).sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  if (ours.length === 0) core.warning(`run ${run.id} has no artifact named ${prefix}*: no PR comment`);
  for (const artifact of ours) {
    try {
      await commentFrom(artifact, run, client, findBy, token);
    } catch (err) {
      core.setFailed(`hook latency comment: artifact '${artifact.name}' of run ${run.id} refused: ${messageOf(err).split('\n')[0]}`);
    }
  }
}

function triggeringRun(): TriggeringRun {
  const r = context.payload.workflow_run as Record<string, unknown> | undefined;
  if (context.eventName !== 'workflow_run' || !r) {
    throw new UsageError(`mode: comment runs in a job triggered by workflow_run, not ${context.eventName || 'no event'}`);
  }
  const prs = Array.isArray(r.pull_requests) ? (r.pull_requests as { number?: unknown }[]) : [];
  return {
    id: Number(r.id),
    headSha: String(r.head_sha ?? ''),
    event: String(r.event ?? ''),
    htmlUrl: String(r.html_url ?? ''),
    pullRequests: prs.map((p) => p.number).filter((n): n is number => typeof n === 'number'),
  };
}

async function commentFrom(
  artifact: Artifact,
  run: TriggeringRun,
  client: DefaultArtifactClient,
  findBy: { token: string; workflowRunId: number; repositoryOwner: string; repositoryName: string },
  token: string,
): Promise<void> {
  if (artifact.size > MAX_ARTIFACT_BYTES) throw new Error(`${artifact.size} bytes, more than ${MAX_ARTIFACT_BYTES}`);
  const dir = mkdtempSync(join(tmpdir(), 'hook-latency-comment-'));
  let found: ArtifactComment;
  try {
    await client.downloadArtifact(artifact.id, { path: dir, findBy });
    found = readArtifactComment(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { request } = found;
  if (request.head_sha !== run.headSha) throw new Error(`it names commit ${request.head_sha}, the run measured ${run.headSha}`);
  if (run.pullRequests.length > 0 && !run.pullRequests.includes(request.pr)) throw new Error(`PR #${request.pr} is not one of the run's (${run.pullRequests.join(', ')})`);
  const head = await pullRequestHead(token, request.pr);
  if (head !== run.headSha) {
    core.info(`PR #${request.pr} is at ${head}, not at the measured ${run.headSha} (a newer push, or another PR): no comment from '${artifact.name}'`);
    return;
  }
  await postComment({
    token,
    mode: request.comment,
    key: request.key,
    pr: request.pr,
    body: commentBody(found, run, artifact.name),
    regression: found.verdict === 'regression',
  });
}

async function pullRequestHead(token: string, pr: number): Promise<string> {
  const octokit = getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
  const { data } = await octokit.rest.pulls.get({ ...context.repo, pull_number: pr });
  return data.head.sha;
}

function commentBody(found: ArtifactComment, run: TriggeringRun, name: string): string {
  const source = `Measured in [the pull request's workflow run](${run.htmlUrl}) (commit \`${run.headSha.slice(0, 7)}\`); results: artifact \`${name.replace(/`/g, "'")}\`.`;
  if (!found.summary) return `### ⛔ hook latency: **the run failed**\n\nNo verdict was reached: the job log of the run says why.\n\n${source}\n`;
  return `${maskSecrets(found.summary).trimEnd()}\n\n${source}\n`;
}
