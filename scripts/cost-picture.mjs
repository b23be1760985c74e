// Screenshots the report's "Where the cost is" section with headless Chromium:
// node scripts/cost-picture.mjs OUT/report.html docs/cost-report.png
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [input, output = 'docs/cost-report.png'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/cost-picture.mjs REPORT.html [OUT.png]');
  process.exit(2);
}
const html = readFileSync(input, 'utf8');
const style = /<style>[\s\S]*?<\/style>/.exec(html)?.[0] ?? '';
const section = /<section class="row" data-section="cost"[\s\S]*?<\/section>/.exec(html)?.[0];
if (!section) {
  console.error(`${input}: no "Where the cost is" section (run with --decompose)`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'cost-picture-'));
try {
  const page = join(dir, 'cost.html');
  writeFileSync(page, `<!doctype html><html lang="en"><head><meta charset="utf-8">${style}</head><body><main>${section}</main></body></html>`);
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1280,520', `--screenshot=${resolve(output)}`, `file://${page}`], { stdio: 'pipe' });
  console.log(`wrote ${output}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
