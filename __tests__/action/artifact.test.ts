// The artifact upload through the real @actions/artifact client, against a local stand-in for the
// Actions results service (twirp) and its blob storage; the comment then links to the artifact.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readSamples } from '../../src/samples/read';
import { requestCount } from '../../src/samples/round-data';
import { replayFile, ROOT, tempDir } from '../helpers';
import { buildDist, runAction } from './runner';

interface Req {
  method: string;
  path: string;
  body: Buffer;
}

const requests: Req[] = [];
let url = '';
let failCreate = false;
/** Called when the zip arrives; the answer then waits a second (a slow upload). */
let onBlob: (() => void) | undefined;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, body: Buffer.concat(chunks) });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path.endsWith('/CreateArtifact')) {
      if (failCreate) return json(400, { code: 'invalid_argument', msg: 'artifact name already exists' });
      return json(200, { ok: true, signed_upload_url: `${url}/blob/hook-latency.zip?sig=test` });
    }
    if (path.endsWith('/FinalizeArtifact')) return json(200, { ok: true, artifact_id: '8675309' });
    if (path.startsWith('/blob/')) {
      const answer = () => {
        res.writeHead(201, { 'x-ms-request-id': 'r1', etag: '"e"', 'content-length': '0' });
        res.end();
      };
      if (!onBlob || chunks.length === 0) return answer();
      onBlob();
      setTimeout(answer, 1000);
      return;
    }
    json(404, {});
  });
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: 'Actions.GenericRead Actions.Results:run-1:job-1' })}.sig`;

let slow: string;
beforeAll(async () => {
  buildDist();
  slow = await replayFile('dockerWithout', { effect: 0.07 }, 30);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const env = () => ({
  ACTIONS_RUNTIME_TOKEN: token,
  ACTIONS_RESULTS_URL: `${url}/`,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/gate',
  GITHUB_RUN_ID: '4242',
  GITHUB_WORKSPACE: '/tmp',
});

describe('artifact upload', () => {
  it('creates, uploads and finalizes the artifact; the summary links to it', async () => {
    requests.length = 0;
    const r = await runAction('index', { runtime: 'replay', replay: slow, 'github-token': '', 'artifact-name': 'hook-latency' }, env());
    expect(r.status).toBe(1);
    const twirp = requests.filter((q) => q.path.startsWith('/twirp/'));
    expect(twirp.map((q) => q.path)).toEqual([
      '/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
      '/twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact',
    ]);
    const create = JSON.parse(twirp[0].body.toString()) as Record<string, unknown>;
    expect(create).toMatchObject({ name: 'hook-latency', workflow_run_backend_id: 'run-1', workflow_job_run_backend_id: 'job-1' });
    // The zip went to the signed URL; it holds the three result files by name.
    const blob = Buffer.concat(requests.filter((q) => q.path.startsWith('/blob/') && q.body.length > 0).map((q) => q.body));
    for (const f of ['samples.csv', 'verdict.json', 'summary.md']) expect(blob.includes(Buffer.from(f))).toBe(true);
    expect(r.summary).toContain('https://github.com/octo/gate/actions/runs/4242/artifacts/8675309');
    expect(r.stdout).not.toMatch(/::warning::artifact/);
  });

  it('the default name differs per job, matrix leg, step and run attempt (artifacts v4 refuse a repeated name)', async () => {
    requests.length = 0;
    const base = { runtime: 'replay', replay: slow, 'github-token': '' };
    // comment-key carries action.yml's default `${{ github.job }}/${{ strategy.job-index }}`.
    await runAction('index', { ...base, 'comment-key': 'latency/0' }, { ...env(), GITHUB_RUN_ATTEMPT: '1' });
    await runAction('index', { ...base, 'comment-key': 'latency/1' }, { ...env(), GITHUB_RUN_ATTEMPT: '1' });
    await runAction('index', { ...base, 'comment-key': 'latency/0' }, { ...env(), GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTION: '__org_hook-latency-action' });
    await runAction('index', { ...base, 'comment-key': 'latency/0' }, { ...env(), GITHUB_RUN_ATTEMPT: '2' });
    const names = requests.filter((q) => q.path.endsWith('/CreateArtifact')).map((q) => (JSON.parse(q.body.toString()) as { name: string }).name);
    expect(names).toEqual(['hook-latency-latency-0-gate-1', 'hook-latency-latency-1-gate-1', 'hook-latency-latency-0-org_hook-latency-action-1', 'hook-latency-latency-0-gate-2']);
  });

  it('an upload the service refuses is a warning; the job still ends by its verdict', async () => {
    failCreate = true;
    try {
      const r = await runAction('index', { runtime: 'replay', replay: slow, 'github-token': '', 'artifact-name': 'hook-latency' }, env());
      expect(r.status).toBe(1);
      expect(r.outputs.verdict).toBe('regression');
      expect(r.stdout).toMatch(/^::warning::artifact upload failed: /m);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
      expect(r.summary).toMatch(/regression/);
    } finally {
      failCreate = false;
    }
  });

  it('cancelled (SIGINT, then SIGTERM during the upload, as the runner does): the rows so far, the round in progress included, are uploaded; the summary says so', async () => {
    requests.length = 0; // the example SUT is built by the global setup
    const dir = tempDir('action-cancel');
    let sent = false;
    let terminated = false;
    let signalStep: ((s: NodeJS.Signals) => void) | undefined;
    // The runner's SIGTERM arriving while the zip is still on its way.
    onBlob = () => {
      terminated = true;
      signalStep?.('SIGTERM');
    };
    const r = await runAction(
      'index',
      {
        runtime: 'local',
        'sut-command': join(ROOT, 'examples/sut/build/sut'),
        'sut-ready-path': '/healthz',
        'requests-per-round': '40000',
        'look-every': '1',
        'min-rounds': '1000',
        'github-token': '',
        'artifact-name': 'hook-latency',
      },
      env(),
      dir,
      (stdout, signal) => {
        signalStep = signal;
        // After the first look (one round), while the second round runs (40 000 requests: 1-2 s).
        if (!sent && /^look 1: /m.test(stdout)) {
          sent = true;
          setTimeout(() => signal('SIGINT'), 400);
        }
      },
    );
    onBlob = undefined;
    expect(sent, r.stdout + r.stderr).toBe(true);
    expect(terminated).toBe(true);
    expect(r.stdout).toMatch(/^hook latency: SIGTERM while saving the results; the upload goes on$/m);
    expect(r.status).toBe(130);
    expect(r.stdout).toMatch(/^::warning::hook latency: cancelled \(SIGINT\)/m);
    expect(r.stdout).toMatch(/^::error::hook latency: cancelled \(SIGINT\) after \d+ samples from \d+ rounds/m);
    const rounds = await readSamples(join(r.outputs['report-path']!, 'samples.csv'));
    // The whole first round and the part of the second measured before the signal.
    expect(rounds.length).toBe(2);
    expect(rounds[0]!.arm.length).toBe(40000);
    expect(rounds[1]!.arm.length).toBeGreaterThan(0);
    expect(rounds[1]!.arm.length).toBeLessThan(40000);
    expect(r.outputs.verdict).toBe('error');
    expect(Number(r.outputs.samples)).toBe(requestCount(rounds));
    expect(requests.filter((q) => q.path.endsWith('/FinalizeArtifact'))).toHaveLength(1);
    expect(r.summary).toMatch(/cancelled \(SIGINT\)/);
    expect(r.summary).toContain(`${requestCount(rounds)} samples from 2 rounds were recorded`);
    expect(r.summary).toContain('https://github.com/octo/gate/actions/runs/4242/artifacts/8675309');
  });
});
