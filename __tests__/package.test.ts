// What `npx hook-latency` installs: the package's files (npm pack) and no dependencies, because
// dist/ bundles every runtime package. Checked against git's tracked files, not against npm itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

interface Packed {
  files: { path: string }[];
}

const packed = (): string[] => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Packed[])[0]!.files.map((f) => f.path).sort();
};

const tracked = (...paths: string[]): string[] =>
  execFileSync('git', ['ls-files', '--', ...paths], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').filter(Boolean);

describe('the npm package', () => {
  it("holds the CLI bundle, the hook sources (the native load generator is built from them) with their Makefile, the examples, README, LICENSE, NOTICE: nothing else (the Action's bundles run from the repository, not from npm)", () => {
    const files = packed();
    const expected = [...tracked('dist/cli.js', 'hook', 'examples'), 'README.md', 'LICENSE', 'NOTICE', 'package.json'].sort();
    expect(files).toEqual(expected);
    expect(files).toContain('hook/Makefile');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('hook/loadgen.c');
    expect(files).not.toContain('dist/loadgen.js');
    expect(files).not.toContain('dist/index.js');
    // No tests, fixtures, sources or local build products (hooks built on this machine).
    for (const f of files) expect(f).not.toMatch(/^(__tests__|data|src|scripts|bench|docs|node_modules)\/|\/build\//);
  });

  it('installs no dependencies: the bundles import only Node built-ins', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const bundle of ['cli.js']) {
      const text = readFileSync(join(ROOT, 'dist', bundle), 'utf8');
      // require("x"), import("x") and top-level `import ... from "x";`, relative paths aside.
      const specifiers = [...text.matchAll(/\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)|^import\s[^;]*?\bfrom\s*"([^"]+)";/gm)]
        .map((m) => (m[1] ?? m[2] ?? m[3])!)
        .filter((s) => !s.startsWith('.'));
      expect(specifiers.length, bundle).toBeGreaterThan(0);
      const foreign = [...new Set(specifiers.filter((s) => !builtins.has(s)))];
      expect(foreign, bundle).toEqual([]);
    }
  });
});
