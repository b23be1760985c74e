// `hook-latency history FILE.jsonl --out trend.html` as a process (the built CLI), and the chart of a
// 50-record history with a runner change in the middle opened in headless Chromium: it parses, has
// one point per record, two spans with one change mark, and draws. HOOK_LATENCY_UPDATE_SCREENSHOT=1
// refreshes docs/trend.png.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordLine, type HistoryRecord } from '../../src/history/record';
import { buildDist } from '../action/runner';
import { ROOT, cli, tempDir } from '../helpers';
import { chromium, countColour, describeInChromium, readPng } from '../report/chromium';
import { EPYC, XEON, record } from './records';

/**
 * 50 merges: the first 25 on a 2-vCPU Xeon runner, the rest on a 4-vCPU EPYC one, which runs the
 * hook faster. Each merge adds about 1 % to the hook's cost (small regressions adding up, each far
 * below any budget), with a deterministic wobble; merge 37 is a regression the gate caught.
 */
export function syntheticHistory(): HistoryRecord[] {
  return Array.from({ length: 50 }, (_, i) => {
    const second = i >= 25;
    const wobble = 60 * Math.sin(i * 1.7) + 40 * Math.cos(i * 0.9);
    const ns = (second ? 700 : 1000) * (1 + 0.01 * i) + wobble + (i === 37 ? 900 : 0);
    const half = (second ? 160 : 220) * (1 + 0.25 * Math.abs(Math.sin(i * 2.3)));
    const baseline = second ? 240_000 : 310_000;
    return record(i, {
      runner: second ? EPYC : XEON,
      verdict: i === 37 ? 'regression' : 'no-regression',
      shift: { relative: ns / baseline, ns, ci: [(ns - half) / baseline, (ns + half) / baseline], ciNs: [ns - half, ns + half] },
      median: { baseline, candidate: baseline + ns },
    });
  });
}

let dir: string;
let file: string;
beforeAll(() => {
  buildDist();
  dir = tempDir('history-cli');
  file = join(dir, 'latency.jsonl');
  writeFileSync(file, syntheticHistory().map(recordLine).join(''));
});

describe('hook-latency history', () => {
  it('renders a history file to one self-contained HTML page', () => {
    const out = join(dir, 'trend.html');
    const r = cli(['history', file, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`trend chart of 50 records written to ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('data-chart="trend"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<tr data-record=/g)).toHaveLength(50);
  });

  it.each([
    [['history'], /history needs exactly one history file/],
    [['history', '/nonexistent/h.jsonl'], /h\.jsonl: no such file/],
  ])('bad usage %o: exit 2, one line', (args, message) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a bad line: exit 2 naming the file and the line', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${recordLine(record(1))}{"schema":1,"gate":"x"}\n`);
    const r = cli(['history', bad, '--out', join(dir, 'bad.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`hook-latency: ${bad}: line 2: 'commit' must be a string`);
  });
});

describeInChromium()('the trend chart in headless Chromium', () => {
  let url: string;
  beforeAll(() => {
    const out = join(dir, 'trend-browser.html');
    expect(cli(['history', file, '--out', out]).status).toBe(0);
    url = pathToFileURL(out).href;
  });

  it('parses: 50 points, two spans (Xeon then EPYC), one change mark, a regression point', () => {
    const r = chromium(['--dump-dom', url]);
    expect(r.status).toBe(0);
    const dom = r.stdout;
    const points = [...dom.matchAll(/<path class="dots trend ([a-z-]+)" data-points="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(points)).toEqual({ 'no-regression': 49, regression: 1 });
    expect(dom.match(/data-span="[A-Z]"/g)).toEqual(['data-span="A"', 'data-span="B"']);
    expect(dom.match(/data-change="[A-Z]"/g)).toEqual(['data-change="B"']);
    expect(dom).toContain('A: kind · Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz · 2 vCPUs');
    expect(dom).toContain('B: kind · AMD EPYC 7763 64-Core Processor · 4 vCPUs');
    expect(r.consoleLines).toEqual([]);
  });

  it('draws: points, the change mark and the regression are visible', () => {
    const png = join(dir, 'trend.png');
    const r = chromium(['--screenshot=' + png, '--window-size=1280,1000', url]);
    expect(r.status).toBe(0);
    const img = readPng(png);
    expect(img.width).toBe(1280);
    // The change mark (--warn), the regression point (--bad), the points and intervals (--fg).
    expect(countColour(img, [0x9a, 0x67, 0x00], 30)).toBeGreaterThan(100);
    expect(countColour(img, [0xcf, 0x22, 0x2e], 30)).toBeGreaterThan(20);
    expect(countColour(img, [0x1f, 0x23, 0x28], 20)).toBeGreaterThan(2000);
    expect(r.consoleLines).toEqual([]);
    if (process.env.HOOK_LATENCY_UPDATE_SCREENSHOT) copyFileSync(png, join(ROOT, 'docs', 'trend.png'));
  });
});
