// One sticky PR comment per pull request and comment key (job, matrix leg and step by default), found
// by a hidden marker AND its author and updated in place. The marker alone proves nothing: anyone can
// post it first. The comment is ours when its `user.login` is the token's own identity, which GraphQL's
// `viewer { login }` names for every kind of token (GITHUB_TOKEN and App installation tokens answer
// `github-actions[bot]` / `<app>[bot]`, the REST `user.login` of their comments; GET /user is refused to
// them). marocchino/sticky-pull-request-comment finds its comment the same way.
// Talks to the GitHub API through @actions/github (GITHUB_API_URL is the base URL, so a runner on
// GHES, or a test server, just works). Any trouble here (no token, a fork's read-only token, a
// missing PR) is a warning: the comment is never the reason a job fails.
import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';
import type { CommentMode } from '../action/input-helper';
import { messageOf } from '../errors';

/** The hidden marker that finds this step's comment again. */
export function marker(key: string): string {
  return `<!-- hook-latency:${key} -->`;
}

export interface CommentRequest {
  token: string;
  mode: CommentMode;
  /** What tells this step's comment from others' (input-helper: comment-key and the step id). */
  key: string;
  /** Markdown of the result; the marker is prepended here. */
  body: string;
  /** True when the result is a regression (for mode on-regression). */
  regression: boolean;
  /** The pull request; default: the event's (a `pull_request` event). */
  pr?: number;
}

export async function postComment(req: CommentRequest): Promise<void> {
  if (req.mode === 'never') return;
  const pr = req.pr ?? pullRequestNumber();
  if (pr === undefined) {
    core.info(`not a pull request event (${context.eventName ?? 'no event'}): no PR comment`);
    return;
  }
  if (!req.token) {
    core.warning('no github-token: the PR comment was skipped (the job summary has the result)');
    return;
  }
  const { owner, repo } = context.repo;
  const mark = marker(req.key);
  const body = `${mark}\n${req.body}`;
  try {
    const octokit = getOctokit(req.token, { baseUrl: apiUrl() });
    const self = await tokenLogin(octokit);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pr, per_page: 100 });
    const existing = comments.find((c) => (c.body ?? '').startsWith(mark) && c.user?.login === self);
    if (existing) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      core.info(`updated the PR comment ${existing.html_url ?? existing.id}`);
      return;
    }
    // With on-regression a comment appears only for a regression; once there, it is kept current.
    if (req.mode === 'on-regression' && !req.regression) {
      core.info('no regression: no PR comment (comment: on-regression)');
      return;
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body });
    core.info(`created the PR comment ${data.html_url ?? data.id}`);
  } catch (err) {
    core.warning(`could not write the PR comment: ${describe(err)}`);
  }
}

/** The GITHUB_TOKEN's author, when GraphQL cannot be asked (e.g. an older GitHub Enterprise Server). */
export const GITHUB_TOKEN_LOGIN = 'github-actions[bot]';

type Octokit = ReturnType<typeof getOctokit>;

/** The login the token writes comments as. */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    const r = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    if (typeof r.viewer?.login === 'string' && r.viewer.login !== '') return r.viewer.login;
  } catch (err) {
    core.info(`could not ask who the token is (${messageOf(err).split('\n')[0]}): taking it for ${GITHUB_TOKEN_LOGIN}`);
  }
  return GITHUB_TOKEN_LOGIN;
}

function pullRequestNumber(): number | undefined {
  const n = (context.payload.pull_request as { number?: unknown } | undefined)?.number;
  return typeof n === 'number' ? n : undefined;
}

function apiUrl(): string {
  return process.env.GITHUB_API_URL || 'https://api.github.com';
}

function describe(err: unknown): string {
  const status = (err as { status?: number }).status;
  const msg = messageOf(err);
  if (status === 403 || status === 404) {
    return (
      `HTTP ${status} (${msg}). A pull request from a fork gets a read-only token, and the token needs ` +
      '`permissions: pull-requests: write`; the job summary and the artifact have the result'
    );
  }
  return status ? `HTTP ${status}: ${msg}` : msg;
}
