#!/usr/bin/env node
// Generates the inputs/outputs tables of docs/action.md from action.yml, between the markers
//   <!-- action-docs:inputs --> ... <!-- /action-docs:inputs -->  (and the same for outputs).
// usage: node scripts/action-docs.mjs          rewrite docs/action.md
//        node scripts/action-docs.mjs --check  exit 1 when docs/action.md is not current
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const cell = (s) => String(s).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();

/** The effective default: the input's own default, else the one its description names. */
function effectiveDefault(input) {
  const own = input.default === undefined ? '' : String(input.default);
  if (own !== '') return `\`${own}\``;
  const m = /Default: (.+?)\.?$/.exec(cell(input.description ?? ''));
  return m ? m[1] : '';
}

function stripDefault(description) {
  return cell(description).replace(/\s*Default: .+$/, '');
}

function tables(actionYml) {
  const action = parse(actionYml);
  const inputs = [
    '| Input | Description | Default |',
    '|---|---|---|',
    ...Object.entries(action.inputs ?? {}).map(
      ([name, i]) => `| \`${name}\` | ${stripDefault(i.description ?? '')} | ${cell(effectiveDefault(i))} |`,
    ),
  ].join('\n');
  const outputs = [
    '| Output | Description |',
    '|---|---|',
    ...Object.entries(action.outputs ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description ?? '')} |`),
  ].join('\n');
  return { inputs, outputs };
}

function render(doc, actionYml) {
  let out = doc;
  for (const [key, table] of Object.entries(tables(actionYml))) {
    const re = new RegExp(`(<!-- action-docs:${key} -->)[\\s\\S]*?(<!-- /action-docs:${key} -->)`);
    if (!re.test(out)) throw new Error(`docs/action.md has no <!-- action-docs:${key} --> markers`);
    out = out.replace(re, (_m, a, b) => `${a}\n${table}\n${b}`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const docPath = join(ROOT, 'docs', 'action.md');
  const doc = readFileSync(docPath, 'utf8');
  const next = render(doc, readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/action.md is out of date: run node scripts/action-docs.mjs');
      process.exit(1);
    }
  } else if (next !== doc) {
    writeFileSync(docPath, next);
    console.log('docs/action.md updated');
  }
}
