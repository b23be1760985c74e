// scripts/release.mjs, the tag logic of the release workflow, against real git repositories: a
// bare "origin" and a clone of it in a temp dir. The GitHub release itself (gh release create) is
// the workflow's and is not run here.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers';

const SCRIPT = join(ROOT, 'scripts', 'release.mjs');
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.org',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

let origin: string;
let work: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function release(...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: work, env: GIT_ENV, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CHANGELOG = (versions: string[]) =>
  ['# Changelog', '', '## [Unreleased]', '', ...versions.flatMap((v) => [`## [${v}] - 2026-11-30`, '', `### Fixed`, '', `- fix in ${v}`, '']),
    ...versions.map((v) => `[${v}]: https://github.com/org/hook-latency-action/releases/tag/v${v}`), ''].join('\n');

/** Commits package.json at VERSION and a changelog listing VERSIONS, tags vVERSION, pushes both. */
function releaseCommit(version: string, versions: string[]): string {
  writeFileSync(join(work, 'package.json'), `${JSON.stringify({ name: 'hook-latency-action', version }, null, 2)}\n`);
  writeFileSync(join(work, 'CHANGELOG.md'), CHANGELOG(versions));
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', `release ${version}`);
  git(work, 'tag', `v${version}`);
  git(work, 'push', '-q', 'origin', `HEAD:${git(work, 'rev-parse', '--abbrev-ref', 'HEAD')}`, `v${version}`);
  return git(work, 'rev-parse', 'HEAD');
}

/** tag -> commit, as origin has them. */
function originTags(): Record<string, string> {
  const out = git(origin, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/tags');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

beforeEach(() => {
  const dir = tempDir('release');
  origin = join(dir, 'origin.git');
  work = join(dir, 'work');
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, work);
});

describe('release.mjs major-tag', () => {
  it('creates v1 at the first 1.x release and moves it with every newer one', () => {
    const c100 = releaseCommit('1.0.0', ['1.0.0']);
    expect(release('major-tag', 'v1.0.0', '--push')).toMatchObject({ status: 0, stdout: `v1 -> v1.0.0 (${c100.slice(0, 12)}), pushed to origin\n` });
    expect(originTags()).toEqual({ 'v1.0.0': c100, v1: c100 });

    const c110 = releaseCommit('1.1.0', ['1.1.0', '1.0.0']);
    expect(release('major-tag', 'v1.1.0', '--push').status).toBe(0);
    expect(originTags()).toEqual({ 'v1.0.0': c100, 'v1.1.0': c110, v1: c110 });
  });

  it('a fix to an older line (v1.0.1 after v1.1.0) leaves v1 where it is; v2.0.0 starts v2', () => {
    const c100 = releaseCommit('1.0.0', ['1.0.0']);
    const c110 = releaseCommit('1.1.0', ['1.1.0', '1.0.0']);
    release('major-tag', 'v1.1.0', '--push');
    git(work, 'checkout', '-q', '-b', 'release-1.0', 'v1.0.0');
    const c101 = releaseCommit('1.0.1', ['1.0.1', '1.0.0']);
    const r = release('major-tag', 'v1.0.1', '--push');
    expect(r).toMatchObject({ status: 0, stdout: 'v1 stays: v1.1.0 is newer than v1.0.1\n' });
    git(work, 'checkout', '-q', 'main');
    const c200 = releaseCommit('2.0.0', ['2.0.0', '1.1.0', '1.0.0']);
    expect(release('major-tag', 'v2.0.0', '--push').status).toBe(0);
    expect(originTags()).toEqual({ 'v1.0.0': c100, 'v1.0.1': c101, 'v1.1.0': c110, v1: c110, 'v2.0.0': c200, v2: c200 });
  });

  it('without --push only the local tag moves', () => {
    const c100 = releaseCommit('1.0.0', ['1.0.0']);
    expect(release('major-tag', 'v1.0.0').status).toBe(0);
    expect(git(work, 'rev-parse', 'v1^{commit}')).toBe(c100);
    expect(originTags()).toEqual({ 'v1.0.0': c100 });
  });

  it('a tag that does not exist: git fails, exit 1, nothing moved', () => {
    releaseCommit('1.0.0', ['1.0.0']);
    const r = release('major-tag', 'v1.2.0', '--push');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^release: Command failed: git rev-parse/m);
    expect(Object.keys(originTags())).toEqual(['v1.0.0']);
  });
});

describe('release.mjs validate and notes', () => {
  it('notes: the version\'s CHANGELOG section, without its heading, the next section or the links', () => {
    releaseCommit('1.1.0', ['1.1.0', '1.0.0']);
    expect(release('validate', 'v1.1.0')).toMatchObject({ status: 0, stdout: 'v1.1.0: package.json and CHANGELOG.md agree on 1.1.0\n' });
    expect(release('notes', 'v1.1.0')).toMatchObject({ status: 0, stdout: '### Fixed\n\n- fix in 1.1.0\n' });
  });

  it('bad input: one line, exit 2', () => {
    releaseCommit('1.1.0', ['1.0.0']);
    const cases: [string[], string][] = [
      [['validate', 'v1.2'], "release: 'v1.2' is not a release tag: expected vMAJOR.MINOR.PATCH, e.g. v1.2.3\n"],
      [['validate', 'v1.0.0'], 'release: tag v1.0.0 but package.json says version 1.1.0: bump package.json first\n'],
      [['notes', 'v1.1.0'], 'release: CHANGELOG.md has no "## [1.1.0]" section: move the Unreleased entries under it\n'],
      [['major-tag', 'v1.1.0', '--force'], "release: unknown option '--force' (major-tag takes --push)\n"],
      [['publish', 'v1.1.0'], 'release: usage: node scripts/release.mjs validate|notes|major-tag vX.Y.Z [--push]\n'],
    ];
    for (const [args, line] of cases) expect(release(...args), args.join(' ')).toMatchObject({ status: 2, stderr: line, stdout: '' });
  });

  it('this repository: package.json\'s version has its CHANGELOG section', () => {
    const { version } = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' })) as { version: string };
    const r = spawnSync(process.execPath, [SCRIPT, 'notes', `v${version}`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^### Added\n/);
  });
});
