// runtime local: the SUT runs the PR's hook, so it must not see the runner's environment. Through the
// Action's real entry (`node dist/index.js`) with a token input, ACTIONS_RUNTIME_TOKEN and a secret an
// earlier step exported, a real SUT (the example server, started by a wrapper that dumps its own
// /proc/<pid>/environ and then execs it) records what every instance got, the counting instance of
// `decompose: true` included.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers';
import { buildDist, runAction } from './runner';

beforeAll(() => buildDist());

const SECRETS = { token: 'ghs_secretTokenValue123', runtime: 'runtime-secret-jwt', exported: 'exported-s3cret' };

function environs(dir: string): Map<string, string>[] {
  return readdirSync(dir).map((f) => {
    const lines = readFileSync(join(dir, f), 'utf8').split('\0').filter(Boolean);
    return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  });
}

describe('runtime local: the SUT environment', () => {
  it('no token or runner variable reaches any SUT instance; PATH, sut.env, PORT and the hook do', async () => {
    const dir = tempDir('action-sut-env');
    const dumps = tempDir('sut-environ');
    const wrapper = join(dir, 'sut.sh');
    // $$ is the shell's pid, which exec hands to the SUT: this is the SUT's own environ.
    writeFileSync(wrapper, `#!/bin/sh\ncat /proc/$$/environ > "$DUMP_DIR/$$.env"\nexec ${join(ROOT, 'examples/sut/build/sut')} "$@"\n`);
    chmodSync(wrapper, 0o755);
    writeFileSync(join(dir, 'gate.yml'), `sut:\n  command: ${wrapper}\n  ready-path: /healthz\n  env:\n    DUMP_DIR: ${dumps}\n`);
    const r = await runAction(
      'index',
      {
        config: join(dir, 'gate.yml'),
        runtime: 'local',
        hook: join(ROOT, 'hook/build/delay.so'),
        'requests-per-round': '100',
        'min-rounds': '2',
        'look-every': '2',
        'max-requests': '400',
        decompose: 'true',
        'github-token': SECRETS.token,
      },
      { ACTIONS_RUNTIME_TOKEN: SECRETS.runtime, DEPLOY_KEY: SECRETS.exported, GITHUB_TOKEN: SECRETS.token },
      dir,
    );
    expect(r.outputs.verdict, r.stdout + r.stderr).toMatch(/regression|inconclusive/);
    const seen = environs(dumps);
    // Two arms of at least two rounds, and the counting instance.
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.filter((e) => e.has('HOOK_LATENCY_COUNT_FILE'))).toHaveLength(1);
    for (const env of seen) {
      const text = [...env].map(([k, v]) => `${k}=${v}`).join('\n');
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      expect([...env.keys()].filter((k) => /^(INPUT_|ACTIONS_|GITHUB_|RUNNER_|STATE_)/.test(k) || k === 'DEPLOY_KEY')).toEqual([]);
      expect(env.get('PATH')).toBe(process.env.PATH);
      expect(env.get('DUMP_DIR')).toBe(dumps);
      expect(Number(env.get('PORT'))).toBeGreaterThan(0);
    }
    expect(seen.filter((e) => e.get('LD_PRELOAD')?.includes('delay.so')).length).toBeGreaterThanOrEqual(3);
  });
});
