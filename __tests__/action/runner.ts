// Runs the built Action as the runner does: `node dist/index.js` (or dist/cleanup.js) as a process,
// inputs as INPUT_<NAME> env vars, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE as files.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers';

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  dir: string;
}

/** The env a runner gives a step, minus anything from the machine running the tests. */
export function baseEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_|STATE_)/.test(k) || /_proxy$/i.test(k)) continue;
    env[k] = v;
  }
  for (const f of ['output', 'summary', 'state']) writeFileSync(join(dir, f), '');
  return {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    RUNNER_TEMP: dir,
    GITHUB_ACTION: 'gate',
    GITHUB_JOB: 'latency',
  };
}

/** `INPUT_` + name uppercased, spaces to `_`, dashes kept: what core.getInput reads. */
export function inputEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
}

export function runAction(
  script: 'index' | 'cleanup',
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
  dir = tempDir('action'),
  /** Sees the step's stdout so far, and may signal it (the runner's cancel). */
  onStdout?: (stdout: string, signal: (s: NodeJS.Signals) => void) => void,
): Promise<ActionRun> {
  const env = { ...baseEnv(dir), ...inputEnv(inputs), ...extraEnv };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', `${script}.js`)], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        status,
        stdout,
        stderr,
        outputs: parseFileCommand(join(dir, 'output')),
        summary: readFileSync(join(dir, 'summary'), 'utf8'),
        state: parseFileCommand(join(dir, 'state')),
        dir,
      });
    });
  });
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name<<DELIM\nvalue\nDELIM` records). */
export function parseFileCommand(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
      out[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

export interface RecordedRequest {
  method: string;
  url: string;
  auth?: string;
  body?: unknown;
}

/** An answer: JSON `body`, or `raw` bytes; `headers` beside (a redirect's Location, a zip's content-type). */
export interface Answer {
  status: number;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: RecordedRequest) => Answer | Promise<Answer>;

/** The login GitHub's GraphQL `viewer` names for a job's GITHUB_TOKEN (the REST `user.login` of its comments). */
export const TOKEN_LOGIN = 'github-actions[bot]';

/**
 * A stand-in for the GitHub API that records every request. `POST /graphql` with the query
 * `viewer { login }` answers as GitHub's GraphQL API does (`{"data":{"viewer":{"login":...}}}`), as VIEWER.
 */
export async function fakeGitHub(handler: Handler, viewer = TOKEN_LOGIN): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        ...(data ? { body: JSON.parse(data) as unknown } : {}),
      };
      requests.push(rec);
      const answer = rec.method === 'POST' && rec.url === '/graphql' ? viewerAnswer(rec, viewer) : undefined;
      void Promise.resolve(answer ?? handler(rec)).then((r) => {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(r.raw ?? JSON.stringify(r.body ?? {}));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function viewerAnswer(req: RecordedRequest, login: string): Answer | undefined {
  const query = String((req.body as { query?: unknown } | undefined)?.query ?? '');
  return /\bviewer\s*\{\s*login\s*\}/.test(query) ? { status: 200, body: { data: { viewer: { login } } } } : undefined;
}

/** The env of a `pull_request` event for PR #7 of octo/gate. */
export function pullRequestEnv(dir: string, apiUrl: string): NodeJS.ProcessEnv {
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: 'abc' } } }));
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'octo/gate',
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
  };
}

/** Rebuilds dist/ (the process tests run what the runner runs). */
export function buildDist(): void {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`npm run build failed: ${b.stderr}`);
}
