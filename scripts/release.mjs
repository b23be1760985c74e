// The release steps the release workflow (.github/workflows/release.yml) runs for a vX.Y.Z tag, in
// the repository of the working directory:
//   node scripts/release.mjs validate vX.Y.Z             tag is vX.Y.Z, package.json says X.Y.Z,
//                                                        CHANGELOG.md has a [X.Y.Z] section
//   node scripts/release.mjs notes vX.Y.Z                print that section (the release notes)
//   node scripts/release.mjs major-tag vX.Y.Z [--push]   point vX at the release commit, unless a
//                                                        newer vX.*.* is out (a fix to an old line);
//                                                        --push force-pushes vX to origin
// Bad input: one line on stderr, exit 2. A git failure: exit 1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const VERSION_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

class UsageError extends Error {}

/** [major, minor, patch] of a vX.Y.Z tag, or a UsageError. */
function parseTag(tag) {
  const m = VERSION_TAG.exec(tag ?? '');
  if (!m) throw new UsageError(`'${tag ?? ''}' is not a release tag: expected vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compareVersions(a, b) {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The body of CHANGELOG's `## [VERSION]` section (Keep a Changelog), trimmed: from the line after
 * its heading to the next `## ` heading or the link definitions at the end. Null when absent.
 */
function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\](\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return null;
  let end = lines.findIndex((l, i) => i > start && (/^## /.test(l) || /^\[[^\]]+\]:\s/.test(l)));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n').trim();
}

function validate(tag) {
  const [major, minor, patch] = parseTag(tag);
  const version = `${major}.${minor}.${patch}`;
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  if (pkg.version !== version) throw new UsageError(`tag ${tag} but package.json says version ${pkg.version}: bump package.json first`);
  const notes = changelogSection(readFileSync('CHANGELOG.md', 'utf8'), version);
  if (notes === null) throw new UsageError(`CHANGELOG.md has no "## [${version}]" section: move the Unreleased entries under it`);
  if (notes === '') throw new UsageError(`CHANGELOG.md's [${version}] section is empty`);
  return version;
}

function git(args) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Points vMAJOR at TAG's commit unless a newer vMAJOR.x.y exists; returns what it did. */
function moveMajorTag(tag, push) {
  const version = parseTag(tag);
  const major = `v${version[0]}`;
  const sha = git(['rev-parse', '--verify', `refs/tags/${tag}^{commit}`]);
  const newer = git(['tag', '--list', `${major}.*`])
    .split('\n')
    .filter((t) => VERSION_TAG.test(t))
    .map((t) => [t, parseTag(t)])
    .filter(([, v]) => v[0] === version[0] && compareVersions(v, version) > 0)
    .map(([t]) => t);
  if (newer.length > 0) return `${major} stays: ${newer.join(', ')} is newer than ${tag}`;
  git(['tag', '--force', major, sha]);
  if (push) git(['push', '--force', 'origin', `refs/tags/${major}`]);
  return `${major} -> ${tag} (${sha.slice(0, 12)})${push ? ', pushed to origin' : ''}`;
}

function main([command, tag, ...flags]) {
  switch (command) {
    case 'validate':
      console.log(`${tag}: package.json and CHANGELOG.md agree on ${validate(tag)}`);
      return;
    case 'notes':
      process.stdout.write(`${changelogSection(readFileSync('CHANGELOG.md', 'utf8'), validate(tag))}\n`);
      return;
    case 'major-tag':
      for (const f of flags) if (f !== '--push') throw new UsageError(`unknown option '${f}' (major-tag takes --push)`);
      console.log(moveMajorTag(tag, flags.includes('--push')));
      return;
    default:
      throw new UsageError('usage: node scripts/release.mjs validate|notes|major-tag vX.Y.Z [--push]');
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`release: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}
