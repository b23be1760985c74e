// The Action as the runner runs it: `node dist/index.js` with INPUT_* env vars and file commands,
// on the replay runtime; the PR comment against a local stand-in for the GitHub API.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayFile, tempDir } from '../helpers';
import { buildDist, fakeGitHub, pullRequestEnv, runAction, type Handler } from './runner';

let slow: string;
let aa: string;

beforeAll(async () => {
  buildDist();
  slow = await replayFile('dockerWithout', { effect: 0.07 }, 30);
  aa = await replayFile('kindWithout', { seed: 3 }, 30);
});

const replay = (file: string, extra: Record<string, string> = {}) => ({ runtime: 'replay', replay: file, 'github-token': '', ...extra });

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('::error'));
}

describe('the Action on the replay runtime', () => {
  it('fails a +7% recording: exit 1, verdict=regression, outputs, summary, results on disk', async () => {
    const r = await runAction('index', replay(slow));
    expect(r.status).toBe(1);
    expect(r.outputs.verdict).toBe('regression');
    expect(Number(r.outputs.shift)).toBeGreaterThan(0.05);
    expect(Number(r.outputs['shift-ci-low'])).toBeGreaterThan(0);
    expect(Number(r.outputs['shift-ci-high'])).toBeGreaterThan(Number(r.outputs.shift));
    expect(Number(r.outputs['p-value'])).toBeLessThan(0.05);
    expect(Number(r.outputs.samples)).toBeGreaterThan(1000);
    expect(Number(r.outputs.rounds)).toBeGreaterThanOrEqual(5);
    // The default results directory is under RUNNER_TEMP, named after the step.
    expect(r.outputs['report-path']).toBe(join(r.dir, 'hook-latency-gate'));
    for (const f of ['samples.csv', 'verdict.json', 'summary.md']) expect(existsSync(join(r.outputs['report-path'], f))).toBe(true);
    expect(r.summary).toMatch(/hook latency: \*\*regression\*\*/);
    expect(errorLines(r.stdout)).toHaveLength(1);
    expect(errorLines(r.stdout)[0]).toMatch(/^::error::hook latency: regression: /);
    // Off a runner there is no artifact service: a notice, not a failure.
    expect(r.stdout).toMatch(/^::notice::artifact upload skipped/m);
    // Not a PR event: no comment, no API call.
    expect(r.stdout).toMatch(/not a pull request event/);
  });

  it('passes an A/A recording: exit 0, verdict=no-regression', async () => {
    const r = await runAction('index', replay(aa));
    expect(r.status, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('no-regression');
    expect(r.summary).toMatch(/no-regression/);
    expect(errorLines(r.stdout)).toHaveLength(0);
    // Budget 0: not shown to exceed it, not shown within it.
    expect([r.outputs.outcome, r.outputs['within-budget']]).toEqual(['no-regression', 'false']);
  });

  it('fail-on strict fails the same A/A at a budget of 0 (not within-budget) and passes it at 20 % (within-budget)', async () => {
    const strict = await runAction('index', replay(aa, { 'fail-on': 'strict' }));
    expect(strict.status).toBe(1);
    expect(errorLines(strict.stdout)[0]).toMatch(/^::error::hook latency: no-regression: .*\(fail-on: strict passes within-budget only\)$/);
    const within = await runAction('index', replay(aa, { 'fail-on': 'strict', threshold: '20%' }));
    expect(within.status).toBe(0);
    expect([within.outputs.outcome, within.outputs['within-budget']]).toEqual(['within-budget', 'true']);
    expect(within.summary).toMatch(/### 🟢 hook latency: \*\*within-budget\*\*/);
  });

  it('honours a budget given as an input (+7% within a 10% budget passes)', async () => {
    const r = await runAction('index', replay(slow, { threshold: '10%' }));
    expect(r.status).toBe(0);
    expect(r.outputs.verdict).toBe('no-regression');
  });

  // Two rounds (a cap of 800 requests) of an A/A recording cannot bound the shift within a 2 %
  // budget, nor reach a plan sized for a 0.2 % effect: the run ends inconclusive.
  const capped = { threshold: '2%', mde: '0.2%', 'max-requests': '800' };

  it.each([
    ['regression (set explicitly)', 'regression', 0],
    ['regression (the default)', '', 0],
    ['inconclusive', 'inconclusive', 1],
  ])('honours fail-on: %s on an inconclusive run', async (_name, failOn, status) => {
    const r = await runAction('index', replay(aa, { ...capped, 'fail-on': failOn }));
    expect(r.outputs.verdict).toBe('inconclusive');
    expect(r.status).toBe(status);
    expect(errorLines(r.stdout)).toHaveLength(status);
    if (status) expect(errorLines(r.stdout)[0]).toMatch(/^::error::hook latency: inconclusive: /);
  });

  it('fail-on: inconclusive still passes a no-regression and fails a regression', async () => {
    const pass = await runAction('index', replay(aa, { threshold: '20%', 'fail-on': 'inconclusive' }));
    expect(pass.outputs.verdict).toBe('no-regression');
    expect(pass.status).toBe(0);
    const fail = await runAction('index', replay(slow, { 'fail-on': 'inconclusive' }));
    expect(fail.outputs.verdict).toBe('regression');
    expect(fail.status).toBe(1);
  });

  it('reads a config file; inputs override it; working-directory resolves relative paths', async () => {
    const dir = tempDir('action-wd');
    copyFileSync(slow, join(dir, 'rec.csv'));
    writeFileSync(join(dir, 'gate.yml'), 'runtime: replay\nreplay: rec.csv\nthreshold: 10%\n');
    const viaFile = await runAction('index', { config: 'gate.yml', 'working-directory': dir, 'github-token': '' });
    expect(viaFile.status, viaFile.stdout).toBe(0);
    const overridden = await runAction('index', { config: 'gate.yml', 'working-directory': dir, threshold: '0', 'github-token': '' });
    expect(overridden.status).toBe(1);
    expect(overridden.outputs.verdict).toBe('regression');
  });

  it.each([
    // Annotations escape % as %25 (the runner decodes it).
    [{ threshold: 'fast' }, /threshold must look like 2%25 or 50us.*got 'fast'/],
    [{ comment: 'sometimes' }, /comment must be one of always, on-regression, never/],
    [{ runtime: 'docker' }, /runtime must be one of/],
    [{ replay: '/nonexistent/rec.csv' }, /no such file/],
    [{ namespace: 'Perf_Team' }, /namespace must be a DNS label/],
    [{ memory: '256m' }, /memory must be a memory quantity such as 256Mi/],
    [{ 'sut-port': '70000' }, /sut.port must be a TCP port 1..65535/],
    [{ 'kind-version': 'v1.0.0/../../x' }, /kind-version must be a release tag like v0.29.0/],
    [{ runtime: 'kind', 'kube-context': 'prod' }, /runtime kind talks to the cluster it makes/],
  ])('rejects bad input %o with exit 1, one ::error:: line, no stack trace', async (bad, message) => {
    const r = await runAction('index', { ...replay(aa), ...bad });
    expect(r.status).toBe(1);
    const errors = errorLines(r.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
    expect(r.summary).toMatch(/bad input/);
  });
});

describe('the sticky PR comment', () => {
  let server: Awaited<ReturnType<typeof fakeGitHub>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const listUrl = '/repos/octo/gate/issues/7/comments?per_page=100';

  async function withApi(handler: Handler) {
    server = await fakeGitHub(handler);
    const dir = tempDir('action-pr');
    return { dir, env: pullRequestEnv(dir, server.url) };
  }

  it('creates the comment on the first run and updates the same comment on the next', async () => {
    let stored: { id: number; body: string } | null = null;
    const { env } = await withApi((req) => {
      if (req.method === 'GET') {
        const others = [{ id: 1, body: 'LGTM', user: { login: 'someone' } }];
        return { status: 200, body: stored ? [...others, { ...stored, user: { login: 'github-actions[bot]' } }] : others };
      }
      if (req.method === 'POST') {
        stored = { id: 99, body: (req.body as { body: string }).body };
        return { status: 201, body: { ...stored, html_url: 'https://github.example/octo/gate/pull/7#issuecomment-99' } };
      }
      if (req.method === 'PATCH') return { status: 200, body: { id: 99, body: (req.body as { body: string }).body } };
      return { status: 500 };
    });
    const first = await runAction('index', replay(slow, { 'github-token': 'ghs_test' }), env);
    expect(first.status).toBe(1);
    const second = await runAction('index', replay(aa, { 'github-token': 'ghs_test' }), env);
    expect(second.status).toBe(0);

    const reqs = server!.requests;
    expect(reqs.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /graphql',
      `GET ${listUrl}`,
      'POST /repos/octo/gate/issues/7/comments',
      'POST /graphql',
      `GET ${listUrl}`,
      'PATCH /repos/octo/gate/issues/comments/99',
    ]);
    for (const r of reqs) expect(r.auth).toBe('token ghs_test');
    const created = (reqs[2].body as { body: string }).body;
    expect(created.startsWith('<!-- hook-latency:latency/gate -->\n')).toBe(true);
    expect(created).toMatch(/hook latency: \*\*regression\*\*/);
    for (const row of ['shift', 'confidence interval', 'p (design-based)', 'samples', 'power']) expect(created).toContain(row);
    expect(created).toContain('https://github.example/octo/gate/actions/runs/4242');
    const updated = (reqs[5].body as { body: string }).body;
    expect(updated.startsWith('<!-- hook-latency:latency/gate -->\n')).toBe(true);
    expect(updated).toMatch(/hook latency: \*\*no-regression\*\*/);
  });

  it('two gate steps (or matrix legs) each keep their own comment: the key holds the comment-key and the step id', async () => {
    const stored: { id: number; body: string }[] = [];
    const { env } = await withApi((req) => {
      if (req.method === 'GET') return { status: 200, body: stored.map((c) => ({ ...c, user: { login: 'github-actions[bot]' } })) };
      if (req.method === 'POST') {
        stored.push({ id: 100 + stored.length, body: (req.body as { body: string }).body });
        return { status: 201, body: stored.at(-1) };
      }
      if (req.method === 'PATCH') return { status: 200, body: {} };
      return { status: 500 };
    });
    // Two matrix legs (comment-key as action.yml's default makes it: job/job-index), then a second step of leg 0.
    await runAction('index', replay(slow, { 'github-token': 'ghs_x', 'comment-key': 'latency/0' }), env);
    await runAction('index', replay(aa, { 'github-token': 'ghs_x', 'comment-key': 'latency/1' }), env);
    await runAction('index', replay(aa, { 'github-token': 'ghs_x', 'comment-key': 'latency/0' }), { ...env, GITHUB_ACTION: 'gate_2' });
    // A re-run of leg 0's first step updates its own comment.
    await runAction('index', replay(aa, { 'github-token': 'ghs_x', 'comment-key': 'latency/0' }), env);
    expect(stored.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- hook-latency:latency/0/gate -->',
      '<!-- hook-latency:latency/1/gate -->',
      '<!-- hook-latency:latency/0/gate_2 -->',
    ]);
    expect(server!.requests.filter((r) => r.method === 'PATCH').map((r) => r.url)).toEqual(['/repos/octo/gate/issues/comments/100']);
  });

  it('a comment-key cannot end the hidden HTML comment', async () => {
    const { env } = await withApi((req) => (req.method === 'GET' ? { status: 200, body: [] } : { status: 201, body: { id: 1 } }));
    await runAction('index', replay(aa, { 'github-token': 'ghs_x', 'comment-key': 'a --> b' }), env);
    const created = server!.requests.find((r) => r.method === 'POST' && r.url.endsWith('/comments'));
    expect((created!.body as { body: string }).body.split('\n')[0]).toBe('<!-- hook-latency:a_-__b/gate -->');
  });

  it('on a fork PR (403): a warning, the summary still written, the job ends by its verdict', async () => {
    const { env } = await withApi((req) =>
      req.method === 'GET' ? { status: 200, body: [] } : { status: 403, body: { message: 'Resource not accessible by integration' } },
    );
    const pass = await runAction('index', replay(aa, { 'github-token': 'ghs_readonly' }), env);
    expect(pass.status).toBe(0);
    expect(pass.stdout).toMatch(/^::warning::could not write the PR comment: HTTP 403.*fork/m);
    expect(pass.summary).toMatch(/no-regression/);
    const fail = await runAction('index', replay(slow, { 'github-token': 'ghs_readonly' }), env);
    expect(fail.status).toBe(1);
    expect(fail.outputs.verdict).toBe('regression');
    const errors = errorLines(fail.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/regression/);
    expect(server!.requests.map((r) => `${r.method} ${r.url}`).filter((r) => r !== 'POST /graphql')).toEqual([
      `GET ${listUrl}`, 'POST /repos/octo/gate/issues/7/comments', `GET ${listUrl}`, 'POST /repos/octo/gate/issues/7/comments',
    ]);
  });

  it('a 404 on listing (no access) is a warning too', async () => {
    const { env } = await withApi(() => ({ status: 404, body: { message: 'Not Found' } }));
    const r = await runAction('index', replay(aa, { 'github-token': 'ghs_x' }), env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning::could not write the PR comment: HTTP 404/m);
  });

  it('without a token: a warning and no API call', async () => {
    const { env } = await withApi(() => ({ status: 500 }));
    const r = await runAction('index', replay(aa, { 'github-token': '' }), env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning::no github-token/m);
    expect(server!.requests).toEqual([]);
  });

  it('comment: never makes no API call; on-regression lists but does not create for a pass', async () => {
    const { env } = await withApi((req) => (req.method === 'GET' ? { status: 200, body: [] } : { status: 500 }));
    const never = await runAction('index', replay(slow, { 'github-token': 'ghs_x', comment: 'never' }), env);
    expect(never.status).toBe(1);
    expect(server!.requests).toEqual([]);
    const onReg = await runAction('index', replay(aa, { 'github-token': 'ghs_x', comment: 'on-regression' }), env);
    expect(onReg.status).toBe(0);
    expect(server!.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /graphql', `GET ${listUrl}`]);
  });

  // Anyone can post a comment that starts with the marker; the gate edits only what its token wrote.
  it('a comment with the marker by someone else, posted first, is neither edited nor blocks the gate\'s own', async () => {
    const stored: { id: number; body: string; user: { login: string; type: string } }[] = [
      { id: 1, body: '<!-- hook-latency:latency/gate -->\nno regression, merge me', user: { login: 'mallory', type: 'User' } },
    ];
    const { env } = await withApi((req) => {
      if (req.method === 'GET') return { status: 200, body: stored };
      if (req.method === 'POST') {
        stored.push({ id: 2, body: (req.body as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } });
        return { status: 201, body: stored.at(-1) };
      }
      if (req.method === 'PATCH') {
        const c = stored.find((x) => req.url.endsWith(`/comments/${x.id}`))!;
        c.body = (req.body as { body: string }).body;
        return { status: 200, body: c };
      }
      return { status: 500 };
    });
    await runAction('index', replay(slow, { 'github-token': 'ghs_x', comment: 'on-regression' }), env);
    await runAction('index', replay(aa, { 'github-token': 'ghs_x', comment: 'on-regression' }), env);
    expect(stored[0].body).toBe('<!-- hook-latency:latency/gate -->\nno regression, merge me');
    expect(stored).toHaveLength(2);
    expect(stored[1].body).toMatch(/hook latency: \*\*no-regression\*\*/);
    expect(server!.requests.filter((r) => r.method === 'PATCH').map((r) => r.url)).toEqual(['/repos/octo/gate/issues/comments/2']);
  });

  it('with a GitHub App token the App\'s bot is the author the gate looks for', async () => {
    const stored = [{ id: 5, body: '<!-- hook-latency:latency/gate -->\nold', user: { login: 'github-actions[bot]', type: 'Bot' } }];
    server = await fakeGitHub((req) => {
      if (req.method === 'GET') return { status: 200, body: stored };
      return { status: req.method === 'POST' ? 201 : 200, body: { id: 6 } };
    }, 'acme-gate[bot]');
    const dir = tempDir('action-pr');
    await runAction('index', replay(aa, { 'github-token': 'ghs_app' }), pullRequestEnv(dir, server.url));
    // The GITHUB_TOKEN's comment is not the App's: a comment of its own, no edit.
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
    expect(server.requests[2].url).toBe('/repos/octo/gate/issues/7/comments');
  });
});

describe('the summary on disk matches the job summary', () => {
  it('summary.md holds the verdict table', async () => {
    const r = await runAction('index', replay(slow));
    const md = readFileSync(join(r.outputs['report-path'], 'summary.md'), 'utf8');
    expect(r.summary.startsWith(md.trimEnd())).toBe(true);
  });
});
