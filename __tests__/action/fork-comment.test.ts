// A fork's pull request gets its comment from a second, trusted job: the gate job (pull_request, a
// read-only token) leaves comment.json in its artifact; `mode: comment` in a workflow_run job
// downloads that artifact through the real @actions/artifact client (its public-API path: list the
// run's artifacts, GET .../artifacts/{id}/zip answers 302 to the blob, as GitHub's REST API
// documents) from a stand-in GitHub API, checks it, and writes the sticky comment.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayFile, tempDir } from '../helpers';
import { buildDist, fakeGitHub, runAction, type Answer, type RecordedRequest } from './runner';

const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const RUN_ID = 555;
const RUN_URL = 'https://github.com/octo/gate/actions/runs/555';

let gateOut: string;
let slow: string;
let server: Awaited<ReturnType<typeof fakeGitHub>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function eventEnv(dir: string, name: string, payload: unknown, apiUrl: string): NodeJS.ProcessEnv {
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify(payload));
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'octo/gate', GITHUB_API_URL: apiUrl, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '556' };
}

/** The gate job of a fork's PR #7: the comment is refused (403, read-only token); the results stay in OUT. */
beforeAll(async () => {
  buildDist();
  slow = await replayFile('dockerWithout', { effect: 0.07 }, 30);
  server = await fakeGitHub((req) => (req.method === 'GET' ? { status: 200, body: [] } : { status: 403, body: { message: 'Resource not accessible by integration' } }));
  const dir = tempDir('fork-gate');
  const r = await runAction(
    'index',
    { runtime: 'replay', replay: slow, 'github-token': 'ghs_readonly' },
    eventEnv(dir, 'pull_request', { number: 7, pull_request: { number: 7, head: { sha: HEAD } } }, server.url),
    dir,
  );
  expect(r.stdout).toMatch(/^::warning::could not write the PR comment: HTTP 403/m);
  gateOut = r.outputs['report-path']!;
  await server.close();
  server = undefined;
});

/** The gate's results as the artifact's zip, after EDIT changes a copy of them. */
function artifactZip(edit: (dir: string) => void = () => {}): Buffer {
  const dir = tempDir('fork-artifact');
  for (const f of readdirSync(gateOut)) copyFileSync(join(gateOut, f), join(dir, f));
  edit(dir);
  const zip = join(tempDir('fork-zip'), 'a.zip');
  execFileSync('zip', ['-q', '-j', zip, ...readdirSync(dir).map((f) => join(dir, f))]);
  return readFileSync(zip);
}

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** The API the comment job talks to: the run's artifacts, the zip, PR #7 (head HEAD unless given), its comments. */
async function api(zip: Buffer, prHead = HEAD, comments: Comment[] = []) {
  server = await fakeGitHub((req: RecordedRequest): Answer => {
    const path = req.url.split('?')[0];
    if (path === `/repos/octo/gate/actions/runs/${RUN_ID}/artifacts`) {
      return { status: 200, body: { total_count: 1, artifacts: [{ id: 11, name: 'hook-latency-latency-1', size_in_bytes: zip.length, created_at: '2026-12-04T10:00:00Z' }] } };
    }
    if (path === '/repos/octo/gate/actions/artifacts/11/zip') return { status: 302, headers: { location: `${server!.url}/blob/11.zip?sig=x` } };
    if (path === '/blob/11.zip') return { status: 200, raw: zip, headers: { 'content-type': 'application/zip' } };
    if (path === '/repos/octo/gate/pulls/7') return { status: 200, body: { number: 7, head: { sha: prHead } } };
    if (path === '/repos/octo/gate/issues/7/comments' && req.method === 'GET') return { status: 200, body: comments };
    if (path === '/repos/octo/gate/issues/7/comments' && req.method === 'POST') {
      comments.push({ id: 40 + comments.length, body: (req.body as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } });
      return { status: 201, body: comments.at(-1) };
    }
    if (req.method === 'PATCH') {
      comments.find((c) => req.url.endsWith(`/comments/${c.id}`))!.body = (req.body as { body: string }).body;
      return { status: 200, body: {} };
    }
    return { status: 404, body: { message: 'Not Found' } };
  });
  return comments;
}

const workflowRun = (extra: Record<string, unknown> = {}) => ({
  action: 'completed',
  workflow_run: { id: RUN_ID, event: 'pull_request', head_sha: HEAD, html_url: RUN_URL, pull_requests: [], conclusion: 'failure', ...extra },
});

async function commentJob(payload: unknown = workflowRun(), eventName = 'workflow_run') {
  const dir = tempDir('fork-comment');
  return runAction('index', { mode: 'comment', 'github-token': 'ghs_trusted' }, eventEnv(dir, eventName, payload, server!.url), dir);
}

const edits = {
  comment: (dir: string, change: Record<string, unknown>) => {
    const file = join(dir, 'comment.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }));
  },
};

describe('mode: comment (a workflow_run job for a fork PR)', () => {
  it('writes the gate job\'s comment to the PR its artifact names, with the gate\'s marker', async () => {
    const comments = await api(artifactZip());
    const r = await commentJob();
    expect(r.status, r.stdout).toBe(0);
    expect(comments).toHaveLength(1);
    const body = comments[0].body;
    expect(body.split('\n')[0]).toBe('<!-- hook-latency:latency/gate -->');
    expect(body).toContain('### 🔴 hook latency: **regression**');
    expect(body).toContain(readFileSync(join(gateOut, 'summary.md'), 'utf8').trimEnd());
    expect(body).toContain(`Measured in [the pull request's workflow run](${RUN_URL}) (commit \`a1b2c3d\`)`);
    const paths = server!.requests.map((q) => `${q.method} ${q.url.split('?')[0]}`);
    expect(paths).toContain('GET /repos/octo/gate/pulls/7');
    expect(paths).toContain('GET /blob/11.zip');
    for (const q of server!.requests.filter((q) => q.url.startsWith('/repos/'))) expect(q.auth).toBe('token ghs_trusted');
  });

  it('a second run of the comment job updates the same comment', async () => {
    const comments = await api(artifactZip());
    await commentJob();
    await commentJob();
    expect(comments).toHaveLength(1);
    expect(server!.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1);
  });

  it('the PR has moved on (its head is not the measured commit): no comment, the step passes', async () => {
    const comments = await api(artifactZip(), 'f'.repeat(40));
    const r = await commentJob();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PR #7 is at f{40}, not at the measured a1b2c3d4/);
    expect(comments).toEqual([]);
  });

  it.each([
    ['another commit than the run measured', (d: string) => edits.comment(d, { head_sha: 'b'.repeat(40) }), /it names commit b{40}, the run measured a1b2c3d4/],
    ['a PR number that is not a number', (d: string) => edits.comment(d, { pr: '7; rm -rf /' }), /comment\.json: pr is not a pull request number/],
    ['a key that would end the marker', (d: string) => edits.comment(d, { key: 'x --> <img src=x>' }), /comment\.json: key is not a comment key/],
    ['no comment.json', (d: string) => execFileSync('rm', [join(d, 'comment.json')]), /comment\.json is missing/],
    ['verdict.json that is not JSON', (d: string) => writeFileSync(join(d, 'verdict.json'), '{"verdict": '), /verdict\.json is not JSON/],
    ['summary.md that contradicts verdict.json', (d: string) => writeFileSync(join(d, 'summary.md'), '### ⚪ hook latency: **no-regression**\n\nall good\n'), /summary\.md says no-regression but verdict\.json says regression/],
    ['summary.md carrying another step\'s marker', (d: string) => writeFileSync(join(d, 'summary.md'), `${readFileSync(join(d, 'summary.md'), 'utf8')}\n<!-- hook-latency:other/gate -->\n`), /summary\.md carries a comment marker/],
    ['an oversized summary.md', (d: string) => writeFileSync(join(d, 'summary.md'), `### 🔴 hook latency: **regression**\n${'x'.repeat(70_000)}`), /summary\.md has 70036 characters, more than 60000/],
  ])('an artifact with %s: refused in one line, no comment', async (_name, edit, message) => {
    const comments = await api(artifactZip(edit));
    const r = await commentJob();
    expect(r.status).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error::hook latency comment: artifact 'hook-latency-latency-1' of run 555 refused: /);
    expect(errors[0]).toMatch(message);
    expect(comments).toEqual([]);
    expect(server!.requests.some((q) => q.method === 'POST' && q.url.includes('/comments'))).toBe(false);
  });

  it('a PR the run is not linked to, when GitHub links PRs to it (same-repository PRs): refused', async () => {
    const comments = await api(artifactZip());
    const r = await commentJob(workflowRun({ pull_requests: [{ number: 9 }] }));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error::.*PR #7 is not one of the run's \(9\)/m);
    expect(comments).toEqual([]);
  });

  it('a triggering run that was not a pull_request: nothing downloaded, no comment', async () => {
    await api(artifactZip());
    const r = await commentJob(workflowRun({ event: 'push' }));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ran on push, not pull_request: no PR comment/);
    expect(server!.requests.filter((q) => q.method !== 'POST' || q.url !== '/graphql')).toEqual([]);
  });

  it('outside a workflow_run job: bad input, one line', async () => {
    await api(artifactZip());
    const r = await commentJob({ number: 7, pull_request: { number: 7 } }, 'pull_request');
    expect(r.status).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual(['::error::mode: comment runs in a job triggered by workflow_run, not pull_request']);
    expect(server!.requests).toEqual([]);
  });
});
