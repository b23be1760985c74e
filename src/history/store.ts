// The history store: one JSON Lines file per gate on a data branch of the same repository, read and
// appended through the GitHub REST API (contents and git data endpoints, via @actions/github's
// Octokit). No server, no checkout, no force: an append is "read the file and its blob sha, PUT the
// file with one more line and that sha"; when another writer got there first the PUT answers 409
// (stale sha) or 422 (sha missing), and the append re-reads and tries again after a jittered
// backoff, a bounded number of times (also after a 5xx, unless its line turns out to be there). A missing branch is created with a parentless first commit
// (git data API) holding the first record; a writer that loses that race retries as above.
import type { getOctokit } from '@actions/github';

type Octokit = ReturnType<typeof getOctokit>;

/**
 * Statuses worth another attempt: 409/422, someone else wrote first; 5xx, the API stumbled (the
 * write may still have landed, so every attempt first checks whether the line is already there).
 */
const RETRY = new Set([409, 422, 500, 502, 503, 504]);

export interface DataBranchOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  branch: string;
  /** Attempts in all before giving up (default 8). */
  maxAttempts?: number;
  /** First backoff ceiling in ms, doubled per retry up to `maxBackoffMs` (full jitter). */
  backoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface AppendResult {
  commit: string;
  attempts: number;
  /** True when this append created the branch. */
  createdBranch: boolean;
  /** True when an earlier attempt had landed after all (its answer was lost): nothing was written again. */
  alreadyThere?: boolean;
}

interface FileState {
  text: string;
  sha: string;
}

/** A gate name is a file name on the data branch: letters, digits, `.`, `_`, `-`; not starting with a dot. */
export const GATE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export function historyPath(gate: string): string {
  return `${gate}.jsonl`;
}

export class DataBranch {
  private readonly o: Required<Omit<DataBranchOptions, 'octokit'>> & { octokit: Octokit };

  constructor(options: DataBranchOptions) {
    this.o = {
      maxAttempts: 8,
      backoffMs: 250,
      maxBackoffMs: 8000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...options,
    };
  }

  /** The gate's history file, or null when the branch or the file does not exist yet. */
  async read(gate: string): Promise<string | null> {
    return (await this.file(historyPath(gate)))?.text ?? null;
  }

  /** Appends `line` (one JSON Lines record, newline-terminated) to the gate's file. */
  async append(gate: string, line: string, message: string): Promise<AppendResult> {
    const path = historyPath(gate);
    let last: unknown;
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      if (attempt > 1) await this.o.sleep(this.backoff(attempt - 1));
      try {
        const current = await this.file(path);
        if (current && attempt > 1 && current.text.includes(line)) return { commit: '', attempts: attempt, createdBranch: false, alreadyThere: true };
        if (current) return { commit: await this.put(path, current.text + line, message, current.sha), attempts: attempt, createdBranch: false };
        if (await this.branchExists()) return { commit: await this.put(path, line, message), attempts: attempt, createdBranch: false };
        return { commit: await this.createBranch(path, line, message), attempts: attempt, createdBranch: true };
      } catch (err) {
        if (!RETRY.has(statusOf(err))) throw err;
        last = err;
      }
    }
    throw new Error(`${this.o.branch}:${path} kept changing under us: gave up after ${this.o.maxAttempts} attempts (${(last as Error).message})`);
  }

  /** Full jitter: uniform in [0, min(cap, base * 2^(retry-1))]. */
  private backoff(retry: number): number {
    return Math.round(this.o.random() * Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** (retry - 1)));
  }

  private async file(path: string): Promise<FileState | null> {
    const { octokit, owner, repo, branch } = this.o;
    let data;
    try {
      ({ data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: branch }));
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
    if (Array.isArray(data) || data.type !== 'file') throw new Error(`${branch}:${path} is not a file`);
    // Files over 1 MB come without content from the contents API; the blob API serves them.
    const content =
      data.encoding === 'base64' && data.content
        ? data.content
        : (await octokit.rest.git.getBlob({ owner, repo, file_sha: data.sha })).data.content;
    return { text: Buffer.from(content, 'base64').toString('utf8'), sha: data.sha };
  }

  private async put(path: string, text: string, message: string, sha?: string): Promise<string> {
    const { octokit, owner, repo, branch } = this.o;
    const { data } = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      branch,
      message,
      content: Buffer.from(text, 'utf8').toString('base64'),
      ...(sha ? { sha } : {}),
    });
    return data.commit.sha ?? '';
  }

  private async branchExists(): Promise<boolean> {
    const { octokit, owner, repo, branch } = this.o;
    try {
      await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  /** A parentless commit holding only the first record, then the ref (422 when it appeared meanwhile). */
  private async createBranch(path: string, text: string, message: string): Promise<string> {
    const { octokit, owner, repo, branch } = this.o;
    const tree = await octokit.rest.git.createTree({ owner, repo, tree: [{ path, mode: '100644', type: 'blob', content: text }] });
    const commit = await octokit.rest.git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [] });
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.data.sha });
    return commit.data.sha;
  }
}

export function statusOf(err: unknown): number {
  const s = (err as { status?: unknown }).status;
  return typeof s === 'number' ? s : 0;
}
