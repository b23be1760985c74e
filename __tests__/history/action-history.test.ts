// The Action with `history: on`, run as the runner runs it (node dist/index.js, replay runtime),
// against a local stand-in for the GitHub API (fake-repo.ts): pushes to the default branch append
// records (also two at once), a pull request gets the history line in its comment and the trend in
// its report, and a fork PR's read-only token still gets the line without writing anything.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runnerFacts } from '../../src/history/facts';
import { parseHistory, recordLine } from '../../src/history/record';
import { replayFile, tempDir } from '../helpers';
import { buildDist, fakeGitHub, runAction } from '../action/runner';
import { FakeRepo, type FakeRepoOptions } from './fake-repo';
import { record } from './records';

const BRANCH = 'hook-latency-data';
const FILE = 'latency.jsonl';
let aa: string;
let slow: string;
let server: Awaited<ReturnType<typeof fakeGitHub>> | undefined;

beforeAll(async () => {
  buildDist();
  aa = await replayFile('kindWithout', { seed: 3 }, 30);
  slow = await replayFile('dockerWithout', { effect: 0.07 }, 30);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function api(options: FakeRepoOptions = {}) {
  const repo = new FakeRepo('octo', 'gate', options);
  repo.seed('main', { 'README.md': '# gate\n' });
  server = await fakeGitHub(repo.handler);
  return repo;
}

function common(url: string): NodeJS.ProcessEnv {
  return { GITHUB_REPOSITORY: 'octo/gate', GITHUB_API_URL: url, GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '4242' };
}

function pushEnv(url: string, sha: string): NodeJS.ProcessEnv {
  const dir = tempDir('push-event');
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { name: 'gate', owner: { login: 'octo' }, default_branch: 'main' } }));
  return { ...common(url), GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha };
}

function prEnv(url: string): NodeJS.ProcessEnv {
  const dir = tempDir('pr-event');
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: 'abc' }, base: { ref: 'main' } }, repository: { default_branch: 'main' } }),
  );
  return { ...common(url), GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REF: 'refs/pull/7/merge', GITHUB_SHA: 'f'.repeat(40) };
}

const inputs = (file: string, extra: Record<string, string> = {}) => ({ runtime: 'replay', replay: file, 'github-token': 'ghs_test', history: 'on', ...extra });
const sha = (c: string) => c.repeat(40);

/** Records measured like this machine does (replay runtime, this CPU), so the PR compares with them. */
function comparableHistory(n: number): string {
  return Array.from({ length: n }, (_, i) => recordLine(record(i, { runtime: 'replay', runner: runnerFacts() }, 2000 + 10 * i))).join('');
}

/** Requests that would change the repository's content (the comment aside). */
function contentWrites(requests: Array<{ method: string; url: string }>) {
  return requests.filter((r) => r.method !== 'GET' && /\/(contents|git)\//.test(r.url));
}

describe('the Action with history: on', () => {
  it('a push to the default branch appends its record; the next push appends after it', async () => {
    const repo = await api();
    const first = await runAction('index', inputs(aa), pushEnv(server!.url, sha('1')));
    expect(first.status, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/appended the history record to hook-latency-data:latency\.jsonl \(commit [0-9a-f]{7}, created the branch\)/);
    expect(first.summary).toContain('📈 **history**: no records yet in `hook-latency-data` (`latency.jsonl`)');
    const second = await runAction('index', inputs(slow), pushEnv(server!.url, sha('2')));
    expect(second.status).toBe(1);
    expect(second.outputs.verdict).toBe('regression');

    const records = parseHistory(repo.file(BRANCH, FILE)!).records;
    expect(records.map((r) => r.commit)).toEqual([sha('1'), sha('2')]);
    const [a, b] = records;
    expect(a).toMatchObject({ schema: 1, gate: 'latency', branch: 'main', runtime: 'replay', verdict: 'no-regression', run: 'https://github.example/octo/gate/actions/runs/4242' });
    expect(a.runner).toEqual({ cpuModel: cpus()[0].model.replace(/\s+/g, ' ').trim(), vcpus: cpus().length, kernel: expect.stringMatching(/^Linux /) });
    expect(a.hook).toEqual({ sha256: null, baselineSha256: null });
    expect(b.verdict).toBe('regression');
    expect(b.shift.relative).toBeCloseTo(Number(second.outputs.shift), 5);
    expect(b.shift.ci[0]).toBeCloseTo(Number(second.outputs['shift-ci-low']), 5);
    expect(b.n.baseline + b.n.candidate).toBe(Number(second.outputs.samples));
    expect(Number.isFinite(b.median.baseline) && b.median.candidate > b.median.baseline).toBe(true);
    // The data branch: a parentless first commit, then one commit per record; main untouched.
    expect(repo.chain(BRANCH)).toHaveLength(2);
    expect(repo.commits.get(repo.chain(BRANCH).at(-1)!)!.parents).toEqual([]);
    expect(repo.refUpdates.filter((u) => u.branch === 'main')).toHaveLength(1);
    expect(repo.commits.get(repo.refs.get(BRANCH)!)!.message).toBe('hook-latency: latency @ 2222222 [skip ci]');
  });

  it('two pushes measured at once: both records land (one writer retries on the stale sha)', async () => {
    // The first write is held until the second arrives: both runs read the same sha before either lands.
    const repo = await api({ putBarrier: 2 });
    repo.seed(BRANCH, { [FILE]: comparableHistory(3) });
    const [a, b] = await Promise.all([
      runAction('index', inputs(aa), pushEnv(server!.url, sha('a'))),
      runAction('index', inputs(aa), pushEnv(server!.url, sha('b'))),
    ]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const commits = parseHistory(repo.file(BRANCH, FILE)!).records.map((r) => r.commit);
    expect(commits).toHaveLength(5);
    expect(commits.slice(3).sort()).toEqual([sha('a'), sha('b')]);
    expect(repo.served.filter((x) => x.method === 'PUT').map((x) => x.status).sort()).toEqual([200, 200, 409]);
    expect(`${a.stdout}${b.stdout}`).toMatch(/appended the history record .*, 2 attempts\)/);
    expect(`${a.stdout}${b.stdout}`).not.toMatch(/::warning::/);
  });

  it('a pull request: the comment has the history line, the report the trend, nothing is written to the data branch', async () => {
    const repo = await api();
    repo.seed(BRANCH, { [FILE]: comparableHistory(25) });
    const r = await runAction('index', inputs(aa), prEnv(server!.url));
    expect(r.status, r.stdout).toBe(0);
    expect(repo.comments).toHaveLength(1);
    const line = repo.comments[0].body.split('\n').find((l) => l.startsWith('📈'));
    // The last 20 of 25 comparable records: 2.05 µs … 2.24 µs, median 2.145 µs. They creep by 10 ns a
    // merge, which E-divisive cuts into steps: the newest is named with its commit range.
    expect(line).toMatch(
      /^📈 \*\*history\*\*: this run [+-][\d.]+ (ns|µs) \([+-]?[\d.]+%\); the last 20 comparable records on `main` \(replay · .+ · \d+ vCPUs?\): \+2\.05 µs … \+2\.24 µs, median \+2\.15 µs — (above|within|below) that range\. Change point: \+\d+ ns since [0-9a-f]{7}…[0-9a-f]{7} \(level \+2\.\d+ µs → \+2\.\d+ µs, 95% interval \+\d+ ns … \+\d+ ns; \d+ more in these records\)\. Shown only, not gated\.$/,
    );
    expect(r.summary).toContain(line);
    const report = await import('node:fs').then((fs) => fs.readFileSync(join(r.outputs['report-path'], 'report.html'), 'utf8'));
    expect(report).toContain('data-chart="trend"');
    expect(report.match(/<tr data-record=/g)).toHaveLength(26);
    // This run is the last point, in its own colour, with its own tick.
    expect(report).toMatch(/<path class="dots trend current" data-points="1"/);
    expect(report).toMatch(/text-anchor="middle">this run<\/text>/);
    expect(contentWrites(server!.requests)).toEqual([]);
    expect(repo.file(BRANCH, FILE)).toBe(comparableHistory(25));
  });

  it('a fork PR (read-only token): the comment cannot be written, but the summary has the history line; no write attempted', async () => {
    const repo = await api({ readOnly: true });
    repo.seed(BRANCH, { [FILE]: comparableHistory(25) });
    const r = await runAction('index', inputs(aa, { 'github-token': 'ghs_readonly' }), prEnv(server!.url));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning::could not write the PR comment: HTTP 403/m);
    const attempted = server!.requests.find((q) => q.method === 'POST' && q.url.endsWith('/issues/7/comments'));
    const line = (attempted!.body as { body: string }).body.split('\n').find((l) => l.startsWith('📈'));
    expect(line).toMatch(/the last 20 comparable records on `main`/);
    expect(r.summary).toContain(line);
    expect(contentWrites(server!.requests)).toEqual([]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::warning::'))).toHaveLength(1);
  });

  it('a push with a read-only token: a warning naming contents: write, the record in the log, the job ends by its verdict', async () => {
    const repo = await api({ readOnly: true });
    const r = await runAction('index', inputs(slow), pushEnv(server!.url, sha('3')));
    expect(r.status).toBe(1);
    expect(r.outputs.verdict).toBe('regression');
    expect(r.stdout).toMatch(/^::warning::could not append the history record to hook-latency-data:latency\.jsonl: HTTP 403 .*contents: write/m);
    const logged = /^history record \(not stored\): (.+)$/m.exec(r.stdout)?.[1];
    expect(parseHistory(logged!).records[0]).toMatchObject({ commit: sha('3'), verdict: 'regression' });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toHaveLength(1);
    expect(repo.refs.has(BRANCH)).toBe(false);
  });

  it('rejects a bad history input with one line', async () => {
    await api();
    const r = await runAction('index', inputs(aa, { 'history-name': '../etc' }), pushEnv(server!.url, sha('4')));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error::history-name must be letters, digits/m);
    expect(server!.requests).toEqual([]);
  });
});
