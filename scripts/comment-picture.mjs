// Renders a run's summary.md the way the PR comment shows it and screenshots it with headless
// Chromium: node scripts/comment-picture.mjs OUT/summary.md docs/comment.png [HEIGHT (640)]
// A small Markdown subset (headings, paragraphs, tables, lists, bold, code, links, <details>) is
// all the comment uses; Mermaid blocks stay inside their collapsed <details>, as on GitHub.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [input, output = 'docs/comment.png', height = '640'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/comment-picture.mjs SUMMARY.md [OUT.png] [HEIGHT]');
  process.exit(2);
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const inline = (s) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');

function toHtml(md) {
  const out = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('```')) {
      while (i + 1 < lines.length && !lines[++i].startsWith('```'));
      continue;
    }
    if (/^<\/?(details|summary)/.test(line)) {
      out.push(line.replace(/<summary>(.*)<\/summary>/, (_, t) => `<summary>${inline(t)}</summary>`));
      continue;
    }
    const h = /^(#{1,6}) (.*)/.exec(line);
    if (h) out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
    else if (line.startsWith('|')) {
      const rows = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i]);
      i--;
      const cells = (r) => r.slice(1, -1).split('|').map((c) => c.trim());
      const body = rows.slice(2).map((r) => `<tr>${cells(r).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`);
      const head = cells(rows[0]).some((c) => c) ? `<thead><tr>${cells(rows[0]).map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead>` : '';
      out.push(`<table>${head}<tbody>${body.join('')}</tbody></table>`);
    } else if (line.startsWith('- ')) {
      const items = [];
      for (; i < lines.length && lines[i].startsWith('- '); i++) items.push(`<li>${inline(lines[i].slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
    } else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

const css = `body{margin:0;background:#fff;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328}
.box{margin:16px;border:1px solid #d1d9e0;border-radius:6px;max-width:760px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e;border-radius:6px 6px 0 0}
.head b{color:#1f2328}.body{padding:8px 16px 16px}
h3{font-size:18px;margin:12px 0 8px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #d1d9e0;padding:4px 12px}tr:nth-child(2n){background:#f6f8fa}
code{background:#eff1f3;border-radius:4px;padding:1px 5px;font-size:85%}ul{padding-left:24px}a{color:#0969da}`;
const html = `<!doctype html><meta charset="utf-8"><style>${css}</style><div class="box"><div class="head"><b>github-actions</b> bot commented</div><div class="body">${toHtml(readFileSync(input, 'utf8'))}</div></div>`;
const dir = mkdtempSync(join(tmpdir(), 'comment-picture-'));
try {
  writeFileSync(join(dir, 'comment.html'), html);
  execFileSync('/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars',
    `--screenshot=${resolve(output)}`, `--window-size=800,${height}`, `file://${join(dir, 'comment.html')}`,
  ], { stdio: 'ignore' });
  console.log(`wrote ${output}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
