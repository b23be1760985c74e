// Bundles the CLI, the Action entry and its post step to ESM for Node 20+.
// The @actions/* packages are ESM-only; the createRequire banner lets bundled CJS deps use require().
import { build } from 'esbuild';

const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

await build({
  entryPoints: {
    cli: 'src/cli.ts',
    index: 'src/main.ts',
    cleanup: 'src/cleanup.ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  banner,
  legalComments: 'none',
  logLevel: 'warning',
});
