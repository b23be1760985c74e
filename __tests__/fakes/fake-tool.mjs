// A scripted stand-in for kubectl / kind / docker (and podman, see podman-provider/) at the process boundary. Each call appends
// {tool, argv, stdin} as one JSON line to $FAKE_LOG and answers from $FAKE_SCRIPT: a JSON list of
// rules {tool, match (regex on the argv joined by spaces), responses: [{stdout, stderr, code, sleepMs}]}.
// The first matching rule answers; its responses are consumed in order (the last one repeats),
// counted in $FAKE_LOG.state. No matching rule: exit 1 with "fake: no rule for ...".
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { refusal } from './fake-rbac.mjs';

export function main(tool) {
  const argv = process.argv.slice(2);
  const log = process.env.FAKE_LOG;
  const script = process.env.FAKE_SCRIPT;
  let stdin = '';
  try {
    stdin = readFileSync(0, 'utf8');
  } catch {}
  if (log) appendFileSync(log, JSON.stringify({ tool, argv, stdin }) + '\n');
  const refused = tool === 'kubectl' && process.env.FAKE_RBAC ? refusal(argv, stdin, process.env.FAKE_RBAC) : null;
  if (refused) {
    process.stderr.write(refused);
    process.exitCode = 1;
    return;
  }
  const rules = script ? JSON.parse(readFileSync(script, 'utf8')) : [];
  const line = argv.join(' ');
  const i = rules.findIndex((r) => r.tool === tool && new RegExp(r.match).test(line));
  if (i < 0) {
    process.stderr.write(`fake ${tool}: no rule for: ${line}\n`);
    process.exit(1);
  }
  const stateFile = `${log ?? '/tmp/fake'}.state`;
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  const n = state[i] ?? 0;
  state[i] = n + 1;
  writeFileSync(stateFile, JSON.stringify(state));
  const res = rules[i].responses[Math.min(n, rules[i].responses.length - 1)];
  const answer = () => {
    if (res.stdout) process.stdout.write(res.stdout);
    if (res.stderr) process.stderr.write(res.stderr);
    process.exitCode = res.code ?? 0;
  };
  // sleepMs: the answer comes that much later (a tool waiting on a slow or unreachable API server).
  if (res.sleepMs) setTimeout(answer, res.sleepMs);
  else answer();
}
