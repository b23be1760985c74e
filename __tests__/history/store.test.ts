// The data-branch store through the real Octokit of @actions/github, against a local stand-in for
// the GitHub REST API (fake-repo.ts): append, conflicts and retries, racing writers, read-only tokens.
import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory, recordLine } from '../../src/history/record';
import { DataBranch, type DataBranchOptions } from '../../src/history/store';
import { fakeGitHub } from '../action/runner';
import { FakeRepo, type FakeRepoOptions } from './fake-repo';
import { record } from './records';

const BRANCH = 'hook-latency-data';
const FILE = 'latency.jsonl';
let server: Awaited<ReturnType<typeof fakeGitHub>> | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: FakeRepoOptions = {}, seed = true) {
  const repo = new FakeRepo('octo', 'gate', options);
  // The repository has its default branch; the data branch is created by the first append.
  if (seed) repo.seed('main', { 'README.md': '# gate\n' });
  server = await fakeGitHub(repo.handler);
  const store = (o: Partial<DataBranchOptions> = {}) =>
    new DataBranch({
      octokit: getOctokit('ghs_test', { baseUrl: server!.url }),
      owner: 'octo',
      repo: 'gate',
      branch: BRANCH,
      backoffMs: 5,
      maxBackoffMs: 40,
      ...o,
    });
  return { repo, store };
}

/** Every move of the data branch went forward: the new head's first parent is the old head. */
function onlyForward(repo: FakeRepo): void {
  const moves = repo.refUpdates.filter((u) => u.branch === BRANCH);
  expect(moves[0].from).toBeNull();
  expect(repo.commits.get(moves[0].to)!.parents).toEqual([]);
  for (const u of moves.slice(1)) expect(repo.commits.get(u.to)!.parents).toEqual([u.from]);
}

describe('the data branch store', () => {
  it('creates the branch with a parentless first commit, then appends through the contents API', async () => {
    const { repo, store } = await setup();
    const s = store();
    expect(await s.read('latency')).toBeNull();
    const first = await s.append('latency', recordLine(record(1)), 'hook-latency: latency @ 1');
    expect(first).toMatchObject({ attempts: 1, createdBranch: true });
    const second = await s.append('latency', recordLine(record(2)), 'hook-latency: latency @ 2');
    expect(second).toMatchObject({ attempts: 1, createdBranch: false });
    expect(repo.refs.get(BRANCH)).toBe(second.commit);
    // The data branch shares no history with main, and has one commit per record.
    expect(repo.chain(BRANCH)).toHaveLength(2);
    expect(repo.isAncestor(repo.refs.get('main')!, second.commit)).toBe(false);
    onlyForward(repo);
    const text = repo.file(BRANCH, FILE)!;
    expect(text).toBe(recordLine(record(1)) + recordLine(record(2)));
    expect(await s.read('latency')).toBe(text);
    expect(parseHistory(text).records.map((r) => r.commit)).toEqual([record(1).commit, record(2).commit]);
    // The second append sent the sha it read (the only way the contents API accepts an update).
    const puts = server!.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect((puts[0].body as { sha?: string }).sha).toMatch(/^[0-9a-f]{40}$/);
    expect((puts[0].body as { branch?: string }).branch).toBe(BRANCH);
  });

  it('a stale sha (409): re-reads and retries after a jittered backoff; both records land', async () => {
    const { repo, store } = await setup({ barrier: 2 });
    repo.seed(BRANCH, { [FILE]: recordLine(record(0)) });
    const sleeps: number[] = [];
    const s = (seed: number) => store({ sleep: async (ms) => void sleeps.push(ms), random: () => seed });
    // Both writers read the same sha (the barrier holds the first two reads until both arrived).
    const [a, b] = await Promise.all([s(0.5).append('latency', recordLine(record(1)), 'a'), s(0.5).append('latency', recordLine(record(2)), 'b')]);
    expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
    expect(repo.served.filter((x) => x.method === 'PUT').map((x) => x.status).sort()).toEqual([200, 200, 409]);
    expect(sleeps).toEqual([Math.round(0.5 * 5)]);
    const commits = parseHistory(repo.file(BRANCH, FILE)!).records.map((r) => r.commit);
    expect(commits[0]).toBe(record(0).commit);
    expect(commits.slice(1).sort()).toEqual([record(1).commit, record(2).commit].sort());
  });

  it('two writers racing to create the branch: one ref wins (the other 422s), nothing is lost', async () => {
    const { repo, store } = await setup({ barrier: 2 });
    const results = await Promise.all([store().append('latency', recordLine(record(1)), 'a'), store().append('latency', recordLine(record(2)), 'b')]);
    expect(results.filter((r) => r.createdBranch)).toHaveLength(1);
    expect(repo.served.filter((x) => x.path.endsWith('/git/refs')).map((x) => x.status).sort()).toEqual([201, 422]);
    expect(parseHistory(repo.file(BRANCH, FILE)!).records).toHaveLength(2);
    onlyForward(repo);
  });

  it('two concurrent writers, 15 appends each: all 30 records, each once, history only moved forward', async () => {
    const { repo, store } = await setup({ barrier: 2 });
    const writer = (w: number) => async () => {
      const s = store();
      for (let i = 0; i < 15; i++) await s.append('latency', recordLine(record(i, { commit: `${w}-${String(i).padStart(2, '0')}` })), `writer ${w} #${i}`);
    };
    await Promise.all([writer(1)(), writer(2)()]);
    const records = parseHistory(repo.file(BRANCH, FILE)!).records;
    expect(records).toHaveLength(30);
    expect(new Set(records.map((r) => r.commit)).size).toBe(30);
    // Each writer's records are in its own order.
    for (const w of [1, 2]) {
      const mine = records.filter((r) => r.commit.startsWith(`${w}-`)).map((r) => r.commit);
      expect(mine).toHaveLength(15);
      expect(mine).toEqual([...mine].sort());
    }
    expect(repo.chain(BRANCH)).toHaveLength(30);
    onlyForward(repo);
    // The race was real: at least the first pair of writes collided.
    expect(repo.served.filter((x) => x.status === 409 || x.status === 422).length).toBeGreaterThan(0);
  });

  it('gives up after the bounded number of attempts when every write is stale', async () => {
    const { repo } = await setup();
    repo.seed(BRANCH, { [FILE]: recordLine(record(0)) });
    // Another writer moves the file between every read and write.
    const handler = repo.handler;
    let n = 0;
    await server!.close();
    server = await fakeGitHub(async (req) => {
      if (req.method === 'PUT') {
        const body = req.body as { sha: string };
        return { status: 409, body: { message: `latency.jsonl does not match ${body.sha}`, status: '409' } };
      }
      n++;
      return handler(req);
    });
    const s = new DataBranch({
      octokit: getOctokit('ghs_test', { baseUrl: server.url }),
      owner: 'octo',
      repo: 'gate',
      branch: BRANCH,
      maxAttempts: 4,
      sleep: async () => {},
    });
    await expect(s.append('latency', recordLine(record(1)), 'x')).rejects.toThrow(/gave up after 4 attempts/);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(4);
    expect(n).toBe(4);
    expect(repo.file(BRANCH, FILE)).toBe(recordLine(record(0)));
  });

  it('a 502 after the write landed: the retry finds the line and does not write it twice', async () => {
    const { repo } = await setup();
    repo.seed(BRANCH, { [FILE]: recordLine(record(0)) });
    const handler = repo.handler;
    await server!.close();
    let failedOnce = false;
    server = await fakeGitHub(async (req) => {
      const r = await handler(req);
      if (req.method === 'PUT' && !failedOnce) {
        failedOnce = true;
        return { status: 502, body: { message: 'Server Error' } };
      }
      return r;
    });
    const s = new DataBranch({ octokit: getOctokit('ghs_test', { baseUrl: server.url }), owner: 'octo', repo: 'gate', branch: BRANCH, sleep: async () => {} });
    expect(await s.append('latency', recordLine(record(1)), 'x')).toMatchObject({ attempts: 2, alreadyThere: true });
    expect(repo.file(BRANCH, FILE)).toBe(recordLine(record(0)) + recordLine(record(1)));
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('a read-only token: reading works, an append fails at once with 403 (no retry, nothing written)', async () => {
    const { repo, store } = await setup({ readOnly: true });
    repo.seed(BRANCH, { [FILE]: recordLine(record(0)) });
    const s = store();
    expect(parseHistory((await s.read('latency'))!).records).toHaveLength(1);
    await expect(s.append('latency', recordLine(record(1)), 'x')).rejects.toMatchObject({ status: 403 });
    expect(server!.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
    expect(repo.refUpdates.filter((u) => u.branch === BRANCH)).toHaveLength(1);
  });

  it('reads a file too large for the contents API through the blob API', async () => {
    const { repo, store } = await setup({ contentLimit: 100 });
    const text = [1, 2, 3].map((i) => recordLine(record(i))).join('');
    repo.seed(BRANCH, { [FILE]: text });
    expect(await store().read('latency')).toBe(text);
    expect(server!.requests.some((r) => /\/git\/blobs\/[0-9a-f]{40}$/.test(r.url))).toBe(true);
    await store().append('latency', recordLine(record(4)), 'x');
    expect(parseHistory(repo.file(BRANCH, FILE)!).records).toHaveLength(4);
  });

  it('backs off with full jitter, doubling to a cap', async () => {
    const { repo } = await setup();
    repo.seed(BRANCH, { [FILE]: '' });
    const handler = repo.handler;
    await server!.close();
    let puts = 0;
    server = await fakeGitHub(async (req) => (req.method === 'PUT' && ++puts < 6 ? { status: 409, body: { message: 'stale' } } : handler(req)));
    const sleeps: number[] = [];
    const s = new DataBranch({
      octokit: getOctokit('ghs_test', { baseUrl: server.url }),
      owner: 'octo',
      repo: 'gate',
      branch: BRANCH,
      backoffMs: 100,
      maxBackoffMs: 1000,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect((await s.append('latency', recordLine(record(1)), 'x')).attempts).toBe(6);
    expect(sleeps).toEqual([100, 200, 400, 800, 1000]);
  });
});
