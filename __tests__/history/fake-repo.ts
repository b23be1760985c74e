// A stand-in for one repository behind the GitHub REST API, at its HTTP boundary: the contents
// endpoints (GET, PUT with sha), the git data endpoints (refs, trees, commits, blobs) and the issue
// comments, with the status codes and bodies of api.github.com (REST API version 2022-11-28, as
// documented under docs.github.com/rest/repos/contents and /rest/git). Objects get git's own sha-1
// for blobs; trees and commits get a sha-1 of their content. Every ref update is logged, so a test
// can check that history only ever moved forward.
import { createHash } from 'node:crypto';
import type { Handler, RecordedRequest } from '../action/runner';

interface Commit {
  tree: Map<string, string>;
  parents: string[];
  message: string;
}

export interface RefUpdate {
  branch: string;
  from: string | null;
  to: string;
}

export interface FakeRepoOptions {
  /** Every write (anything but GET) answers 403, as for a fork PR's token. */
  readOnly?: boolean;
  /** Contents GETs are held until this many have arrived, so that many writers read the same sha. */
  barrier?: number;
  /**
   * Contents PUTs are held until this many have arrived: every writer has read before any write
   * lands, whatever else it read first, so they all carry the same sha.
   */
  putBarrier?: number;
  /** Files larger than this come without content from the contents API (GitHub: 1 MB). */
  contentLimit?: number;
}

const DOCS = 'https://docs.github.com/rest';
const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');
const blobSha = (content: Buffer) => sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]));

export class FakeRepo {
  readonly blobs = new Map<string, Buffer>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  readonly refUpdates: RefUpdate[] = [];
  readonly comments: Array<{ id: number; body: string }> = [];
  /** Status codes served, in order (for counting conflicts). */
  readonly served: Array<{ method: string; path: string; status: number }> = [];

  constructor(
    readonly owner = 'octo',
    readonly repo = 'gate',
    private readonly options: FakeRepoOptions = {},
  ) {}

  /** Seeds a branch with one commit holding `files`. */
  seed(branch: string, files: Record<string, string>): string {
    const tree = new Map<string, string>();
    for (const [path, text] of Object.entries(files)) tree.set(path, this.putBlob(Buffer.from(text)));
    const sha = this.putCommit({ tree, parents: [], message: 'seed' });
    this.moveRef(branch, sha);
    return sha;
  }

  /** The file on a branch's head, or undefined. */
  file(branch: string, path: string): string | undefined {
    const head = this.refs.get(branch);
    const blob = head ? this.commits.get(head)!.tree.get(path) : undefined;
    return blob ? this.blobs.get(blob)!.toString('utf8') : undefined;
  }

  /** Commits from the branch head back to the root, following first parents. */
  chain(branch: string): string[] {
    const out: string[] = [];
    for (let c = this.refs.get(branch); c; c = this.commits.get(c)!.parents[0]) out.push(c);
    return out;
  }

  isAncestor(ancestor: string, of: string): boolean {
    for (let c: string | undefined = of; c; c = this.commits.get(c)?.parents[0]) if (c === ancestor) return true;
    return false;
  }

  readonly handler: Handler = async (req: RecordedRequest) => {
    const url = new URL(req.url, 'http://x');
    const r = await this.route(req.method, url, req.body as Record<string, unknown> | undefined);
    this.served.push({ method: req.method, path: url.pathname, status: r.status });
    return r;
  };

  private async route(method: string, url: URL, body: Record<string, unknown> | undefined): Promise<{ status: number; body?: unknown }> {
    const base = `/repos/${this.owner}/${this.repo}`;
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(`${base}/`)) return notFound(`${DOCS}`);
    const rest = path.slice(base.length + 1);
    if (method !== 'GET' && this.options.readOnly) return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    let m: RegExpExecArray | null;
    if ((m = /^contents\/(.+)$/.exec(rest))) {
      if (method === 'GET') {
        await this.barrier('get', this.options.barrier ?? 0);
        return this.getContents(m[1], url.searchParams.get('ref') ?? 'main');
      }
      if (method === 'PUT') {
        await this.barrier('put', this.options.putBarrier ?? 0);
        return this.putContents(m[1], body ?? {});
      }
    }
    if ((m = /^git\/ref\/heads\/(.+)$/.exec(rest)) && method === 'GET') {
      const sha = this.refs.get(m[1]);
      return sha ? { status: 200, body: this.refBody(m[1], sha) } : notFound(`${DOCS}/git/refs#get-a-reference`);
    }
    if (rest === 'git/trees' && method === 'POST') return this.createTree(body ?? {});
    if (rest === 'git/commits' && method === 'POST') return this.createCommit(body ?? {});
    if (rest === 'git/refs' && method === 'POST') return this.createRef(body ?? {});
    if ((m = /^git\/blobs\/([0-9a-f]{40})$/.exec(rest)) && method === 'GET') {
      const blob = this.blobs.get(m[1]);
      return blob
        ? { status: 200, body: { sha: m[1], node_id: 'B_x', size: blob.length, url: '', content: b64lines(blob), encoding: 'base64' } }
        : notFound(`${DOCS}/git/blobs#get-a-blob`);
    }
    if ((m = /^issues\/(\d+)\/comments$/.exec(rest))) {
      if (method === 'GET') return { status: 200, body: this.comments.map((c) => ({ ...c, user: { login: 'github-actions[bot]' } })) };
      if (method === 'POST') {
        const c = { id: 100 + this.comments.length, body: String(body?.body ?? '') };
        this.comments.push(c);
        return { status: 201, body: { ...c, html_url: `https://github.example/${this.owner}/${this.repo}/pull/${m[1]}#issuecomment-${c.id}` } };
      }
    }
    if ((m = /^issues\/comments\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return notFound(DOCS);
      c.body = String(body?.body ?? '');
      return { status: 200, body: c };
    }
    return notFound(DOCS);
  }

  private readonly gates = { get: { held: 0, waiting: [] as Array<() => void> }, put: { held: 0, waiting: [] as Array<() => void> } };

  /** Holds the first n arrivals of a kind until the n-th has arrived, then lets them all through. */
  private async barrier(kind: 'get' | 'put', n: number): Promise<void> {
    const g = this.gates[kind];
    if (g.held >= n) return;
    g.held++;
    if (g.held < n) await new Promise<void>((r) => g.waiting.push(r));
    else for (const w of g.waiting.splice(0)) w();
  }

  private getContents(path: string, ref: string) {
    const head = this.refs.get(ref);
    if (!head) return { status: 404, body: { message: `No commit found for the ref ${ref}`, documentation_url: `${DOCS}/repos/contents#get-repository-content`, status: '404' } };
    const sha = this.commits.get(head)!.tree.get(path);
    if (!sha) return notFound(`${DOCS}/repos/contents#get-repository-content`);
    const blob = this.blobs.get(sha)!;
    const big = blob.length > (this.options.contentLimit ?? 1024 * 1024);
    return {
      status: 200,
      body: {
        type: 'file',
        encoding: big ? 'none' : 'base64',
        size: blob.length,
        name: path.split('/').at(-1),
        path,
        content: big ? '' : b64lines(blob),
        sha,
        url: '',
        git_url: '',
        html_url: '',
        download_url: '',
        _links: {},
      },
    };
  }

  private putContents(path: string, body: Record<string, unknown>) {
    const doc = `${DOCS}/repos/contents#create-or-update-file-contents`;
    const branch = String(body.branch ?? 'main');
    const head = this.refs.get(branch);
    if (!head) return { status: 404, body: { message: `Branch ${branch} not found`, documentation_url: doc, status: '404' } };
    const tree = new Map(this.commits.get(head)!.tree);
    const existing = tree.get(path);
    if (existing && body.sha === undefined) return { status: 422, body: { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: doc, status: '422' } };
    if (existing && body.sha !== existing) return { status: 409, body: { message: `${path} does not match ${String(body.sha)}`, documentation_url: doc, status: '409' } };
    if (!existing && body.sha !== undefined) return { status: 409, body: { message: `${path} does not match ${String(body.sha)}`, documentation_url: doc, status: '409' } };
    const blob = this.putBlob(Buffer.from(String(body.content ?? ''), 'base64'));
    tree.set(path, blob);
    const commit = this.putCommit({ tree, parents: [head], message: String(body.message ?? '') });
    this.moveRef(branch, commit);
    return {
      status: existing ? 200 : 201,
      body: {
        content: { name: path.split('/').at(-1), path, sha: blob, size: this.blobs.get(blob)!.length, type: 'file' },
        commit: { sha: commit, node_id: 'C_x', message: body.message, tree: { sha: sha1(treeText(tree)), url: '' }, parents: [{ sha: head, url: '', html_url: '' }] },
      },
    };
  }

  private createTree(body: Record<string, unknown>) {
    const entries = (body.tree ?? []) as Array<{ path: string; mode: string; type: string; content?: string; sha?: string }>;
    const tree = new Map<string, string>();
    for (const e of entries) tree.set(e.path, e.content !== undefined ? this.putBlob(Buffer.from(e.content)) : String(e.sha));
    const sha = sha1(treeText(tree));
    this.trees.set(sha, tree);
    return {
      status: 201,
      body: { sha, url: '', truncated: false, tree: [...tree].map(([path, blob]) => ({ path, mode: '100644', type: 'blob', sha: blob, size: this.blobs.get(blob)?.length ?? 0, url: '' })) },
    };
  }

  private readonly trees = new Map<string, Map<string, string>>();

  private createCommit(body: Record<string, unknown>) {
    const tree = this.trees.get(String(body.tree));
    if (!tree) return { status: 422, body: { message: 'Tree SHA does not exist', documentation_url: `${DOCS}/git/commits#create-a-commit`, status: '422' } };
    const parents = ((body.parents ?? []) as string[]).map(String);
    const sha = this.putCommit({ tree, parents, message: String(body.message ?? '') });
    return { status: 201, body: { sha, node_id: 'C_x', url: '', message: body.message, tree: { sha: String(body.tree), url: '' }, parents: parents.map((p) => ({ sha: p, url: '', html_url: '' })) } };
  }

  private createRef(body: Record<string, unknown>) {
    const ref = String(body.ref ?? '');
    const sha = String(body.sha ?? '');
    if (!ref.startsWith('refs/heads/') || !this.commits.has(sha)) {
      return { status: 422, body: { message: 'Invalid request.', documentation_url: `${DOCS}/git/refs#create-a-reference`, status: '422' } };
    }
    const branch = ref.slice('refs/heads/'.length);
    if (this.refs.has(branch)) return { status: 422, body: { message: 'Reference already exists', documentation_url: `${DOCS}/git/refs#create-a-reference`, status: '422' } };
    this.moveRef(branch, sha);
    return { status: 201, body: this.refBody(branch, sha) };
  }

  private refBody(branch: string, sha: string) {
    return { ref: `refs/heads/${branch}`, node_id: 'REF_x', url: '', object: { type: 'commit', sha, url: '' } };
  }

  private putBlob(content: Buffer): string {
    const sha = blobSha(content);
    this.blobs.set(sha, content);
    return sha;
  }

  private putCommit(c: Commit): string {
    const sha = sha1(`${treeText(c.tree)}\n${c.parents.join(',')}\n${c.message}\n${this.commits.size}`);
    this.commits.set(sha, c);
    return sha;
  }

  private moveRef(branch: string, to: string): void {
    this.refUpdates.push({ branch, from: this.refs.get(branch) ?? null, to });
    this.refs.set(branch, to);
  }
}

function treeText(tree: Map<string, string>): string {
  return [...tree].sort().map(([p, s]) => `100644 blob ${s}\t${p}`).join('\n');
}

/** Base64 in 60-character lines with newlines, as the contents API sends it. */
function b64lines(buf: Buffer): string {
  return (buf.toString('base64').match(/.{1,60}/g) ?? ['']).join('\n') + '\n';
}

function notFound(doc: string) {
  return { status: 404, body: { message: 'Not Found', documentation_url: doc, status: '404' } };
}
