// The report of a realistic recording (a paper trace replayed as an interleaved run with a +5 %
// hook) opened in headless Chromium: it parses, every chart is in the DOM, it draws in both arm
// colours, and the console stays silent. HOOK_LATENCY_UPDATE_SCREENSHOT=1 refreshes docs/report.png.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report';
import { buildConfig, mergeConfig } from '../../src/config';
import { runGate } from '../../src/engine';
import { ReplayRuntime } from '../../src/runtime/replay';
import { readSamples } from '../../src/samples/read';
import { ROOT, replayFile, tempDir } from '../helpers';
import { chromium, countColour, describeInChromium, readPng } from './chromium';

const CHARTS = ['ecdf', 'box', 'lag-baseline', 'lag-candidate', 'forest', 'sequential', 'warmup'];

describeInChromium()('report in headless Chromium', () => {
  let html: string;
  let url: string;
  const dir = tempDir('report-browser');

  beforeAll(async () => {
    // As `run --runtime replay --out DIR` would: the sequential gate writes samples.csv and verdict.json.
    const recording = await replayFile('dockerWithout', { seed: 4, effect: 0.05 }, 30);
    const run = join(dir, 'run');
    const config = buildConfig(mergeConfig({ runtime: 'replay', replay: recording, threshold: '2%', out: run }));
    await runGate(new ReplayRuntime(await readSamples(recording)), config);
    const out = join(dir, 'report.html');
    expect(await reportCommand(join(run, 'samples.csv'), { verdict: join(run, 'verdict.json'), out })).toBe(0);
    html = readFileSync(out, 'utf8');
    url = pathToFileURL(out).href;
  });

  it('parses: the DOM holds every chart with its marks', () => {
    const r = chromium(['--dump-dom', url]);
    expect(r.status).toBe(0);
    const dom = r.stdout;
    for (const id of CHARTS) expect(dom).toContain(`data-chart="${id}"`);
    expect(dom).toContain('data-verdict="regression"');
    // The sequential run looked more than once: one marker per look.
    const looks = Number(/class="dots zdots" data-points="(\d+)"/.exec(dom)?.[1]);
    expect(looks).toBeGreaterThan(1);
    // The ECDF and its zoomed upper end, each with both arms.
    expect(dom.match(/<path class="line (baseline|candidate)"/g)).toHaveLength(4);
    expect(dom.match(/data-chart="tail-ecdf"/g)).toHaveLength(1);
    expect(dom.match(/<path class="dots (baseline|candidate)"/g)).toHaveLength(2);
    expect(r.consoleLines).toEqual([]);
    expect(html.length).toBeGreaterThan(10_000);
  });

  it('draws: the screenshot shows both arm colours and the verdict colour; no console errors', () => {
    const png = join(dir, 'report.png');
    const r = chromium(['--screenshot=' + png, '--window-size=1280,3000', url]);
    expect(r.status).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(50_000);
    const img = readPng(png);
    expect(img.width).toBe(1280);
    // Okabe-Ito blue (baseline), vermillion (candidate), the regression red of the headline.
    expect(countColour(img, [0x00, 0x72, 0xb2], 40)).toBeGreaterThan(500);
    expect(countColour(img, [0xd5, 0x5e, 0x00], 40)).toBeGreaterThan(500);
    expect(countColour(img, [0xcf, 0x22, 0x2e], 30)).toBeGreaterThan(200);
    expect(r.consoleLines).toEqual([]);
    if (process.env.HOOK_LATENCY_UPDATE_SCREENSHOT) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      copyFileSync(png, join(ROOT, 'docs', 'report.png'));
    }
  });
});
