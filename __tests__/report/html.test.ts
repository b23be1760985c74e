import { beforeAll, describe, expect, it } from 'vitest';
import { boxChart, ecdfChart, forestChart, lagChart, lagDomain, sequentialChart, warmupChart, zOfP } from '../../src/report/html/charts';
import { ECDF_GRID, LAG_POINTS, boxStats, ecdfPoints, lagSample, reportData } from '../../src/report/html/data';
import { quantileSorted } from '../../src/stats';
import { esc } from '../../src/report/html/escape';
import { renderReport } from '../../src/report/html/render';
import { prepareRound } from '../../src/experiment/prepared-round';
import { Prng } from '../../src/experiment/prng';
import type { RoundData, Verdict } from '../../src/types';
import { oneLookVerdict, sequentialVerdict, syntheticRounds } from './fixtures';

/** The first capture group of every match of `re` (a global pattern) in `svg`. */
function attr(svg: string, re: RegExp): string[] {
  return [...svg.matchAll(re)].map((m) => m[1]);
}

let rounds: RoundData[];
let verdict: Verdict;
let html: string;

beforeAll(async () => {
  rounds = syntheticRounds({ rounds: 12, perRound: 400, effect: 0.08, errorRate: 0.01, transient: 1.5 });
  verdict = await oneLookVerdict(rounds);
  html = renderReport({ rounds, verdict });
});

describe('drawing data', () => {
  it('quantiles interpolate order statistics (type 7) and box stats follow Tukey', () => {
    const s = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(quantileSorted(s, 0.5)).toBe(5.5);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(100);
    const b = boxStats(s);
    expect(b.q1).toBeCloseTo(3.25);
    expect(b.q3).toBeCloseTo(7.75);
    expect(b.whiskerHigh).toBe(9);
    expect(b.outliersHigh).toBe(1);
    expect(b.outliersLow).toBe(0);
    expect(b.whiskerLow).toBe(1);
  });

  it('draws the ECDF of a small arm exactly and of a large one on a bounded quantile grid', () => {
    const small = Float64Array.from({ length: 500 }, (_, i) => i + 1);
    expect(ecdfPoints(small).x.length).toBe(500);
    const big = Float64Array.from({ length: 1_000_000 }, (_, i) => i + 1);
    const e = ecdfPoints(big);
    expect(e.x.length).toBeGreaterThan(ECDF_GRID);
    expect(e.x.length).toBeLessThan(ECDF_GRID + 10);
    expect(e.x[e.x.length - 1]).toBe(1_000_000);
    expect(e.p[e.p.length - 1]).toBe(1);
    // The ECDF is monotone and is exact at the grid points.
    for (let i = 1; i < e.x.length; i++) expect(e.x[i]).toBeGreaterThanOrEqual(e.x[i - 1]);
    expect(e.x[500]).toBe(500_000);
  });

  it('samples exactly k lag pairs, never across a round boundary', () => {
    const a = Float64Array.from({ length: 5000 }, (_, i) => i);
    const b = Float64Array.from({ length: 5000 }, (_, i) => 1e6 + i);
    const s = lagSample([a, b], 3000, new Prng(3));
    expect(s.total).toBe(9998);
    expect(s.x.length).toBe(3000);
    for (let i = 0; i < s.x.length; i++) expect(s.y[i] - s.x[i]).toBe(1);
    const all = lagSample([Float64Array.from([1, 2, 3])], 3000, new Prng(3));
    expect(Array.from(all.x)).toEqual([1, 2]);
    expect(Array.from(all.y)).toEqual([2, 3]);
  });

  it('uses the samples the statistics use: the verdict n, errors left out', () => {
    const d = reportData(rounds);
    expect(d.arms.baseline.sorted.length).toBe(verdict.n.baseline);
    expect(d.arms.candidate.sorted.length).toBe(verdict.n.candidate);
    expect(d.arms.baseline.errors).toBe(verdict.errors.baseline);
    expect(d.arms.candidate.errors).toBe(verdict.errors.candidate);
    expect(d.arms.baseline.errors + d.arms.candidate.errors).toBeGreaterThan(0);
    expect(d.perRound).toHaveLength(verdict.rounds);
    expect(d.warmup).toHaveLength(rounds.length);
    expect(d.warmup.reduce((s, r) => s + r.cut, 0)).toBe(verdict.warmup.removed);
    for (const r of d.perRound) {
      expect(r.ci[0]).toBeLessThanOrEqual(r.relative);
      expect(r.ci[1]).toBeGreaterThanOrEqual(r.relative);
    }
    // Each interval is the round's Mann-Whitney test inverted (Moses): its ends are order statistics
    // of the m n pairwise log differences, ranked mn/2 -+ z sd(U) with sd(U)^2 = m n (N+1)/12
    // inflated by (1 + r1)/(1 - r1). Checked against the brute-force differences, +-1 rank.
    for (const [i, r] of d.perRound.slice(0, 3).entries()) {
      const p = prepareRound(rounds.find((x) => x.round === r.round)!);
      const m = p.log.baseline.length;
      const n = p.log.candidate.length;
      const diffs: number[] = [];
      for (const c of p.log.candidate) for (const b of p.log.baseline) diffs.push(c - b);
      diffs.sort((a, b) => a - b);
      const r1 = Math.min(0.9, Math.max(0, p.lag1.baseline, p.lag1.candidate));
      const sdU = Math.sqrt(((m * n * (m + n + 1)) / 12) * ((1 + r1) / (1 - r1)));
      const rank = (u: number) => Math.ceil(u) - 1;
      const within = (v: number, k: number) => v >= Math.expm1(diffs[k - 1]) - 1e-9 && v <= Math.expm1(diffs[k + 1]) + 1e-9;
      expect(within(r.ci[0], rank((m * n) / 2 - 1.959964 * sdU)), `round ${i} low`).toBe(true);
      expect(within(r.ci[1], rank((m * n) / 2 + 1.959964 * sdU)), `round ${i} high`).toBe(true);
    }
    // The per-round estimates scatter around the pooled +8 %.
    const mean = d.perRound.reduce((s, r) => s + r.relative, 0) / d.perRound.length;
    expect(mean).toBeGreaterThan(0.04);
    expect(mean).toBeLessThan(0.12);
  });
});

describe('charts', () => {
  it('ECDF: one step path per arm with one point per sample (grid for large input)', () => {
    const d = reportData(rounds);
    const svg = ecdfChart(d.arms);
    expect(attr(svg, /data-arm="(baseline|candidate)" data-points=/g)).toEqual(['baseline', 'candidate']);
    // More than ECDF_GRID samples: the quantile grid (0, 1/1000, ..., 1) plus no extra tail points at this n.
    expect(verdict.n.baseline).toBeGreaterThan(ECDF_GRID);
    expect(attr(svg, /class="line baseline" data-arm="baseline" data-points="(\d+)"/g)).toEqual([String(ECDF_GRID + 1)]);
    expect(attr(svg, /class="line candidate" data-arm="candidate" data-points="(\d+)"/g)).toEqual([String(ECDF_GRID + 1)]);
    // Fewer samples: every sample is a step.
    const few = syntheticRounds({ rounds: 3, perRound: 300, seed: 4 });
    const df = reportData(few);
    const svgFew = ecdfChart(df.arms);
    expect(attr(svgFew, /class="line baseline" data-arm="baseline" data-points="(\d+)"/g)).toEqual([String(df.arms.baseline.sorted.length)]);
    expect(svg).toMatch(/<title[^>]*>Empirical CDF/);
  });

  it('box: a box, median and whiskers per arm; outliers drawn at most 60 per side', () => {
    const d = reportData(rounds);
    const svg = boxChart(d.arms);
    expect(svg.match(/<g class="box (baseline|candidate)"/g)).toHaveLength(2);
    expect(svg.match(/<rect x=/g)?.length).toBeGreaterThanOrEqual(3);
    for (const a of ['baseline', 'candidate'] as const) {
      const q = d.arms[a].quantiles;
      const drawn = Number(attr(svg, new RegExp(`class="outlier ${a}" data-points="(\\d+)"`, 'g'))[0]);
      expect(drawn).toBe(Math.min(q.outliersLow, 60) + Math.min(q.outliersHigh, 60));
    }
    expect(svg.match(/class="violin /g)).toHaveLength(2);
  });

  it('lag plots: all pairs when few, 3000 when many', () => {
    const d = reportData(rounds);
    const dom = lagDomain(d.arms);
    const svg = lagChart('baseline', d.arms.baseline, dom, verdict.lag1.baseline);
    const n = Number(attr(svg, /class="dots baseline" data-points="(\d+)"/g)[0]);
    expect(n).toBe(d.arms.baseline.lag.total);
    expect(n).toBe(verdict.n.baseline - verdict.rounds);
    const many = syntheticRounds({ rounds: 4, perRound: 4000, seed: 5 });
    const dm = reportData(many);
    const svg2 = lagChart('candidate', dm.arms.candidate, lagDomain(dm.arms), 0.2);
    expect(attr(svg2, /class="dots candidate" data-points="(\d+)"/g)).toEqual([String(LAG_POINTS)]);
  });

  it('forest: one estimate and interval per valid round, the pooled diamond and the budget line', async () => {
    const d = reportData(rounds);
    const budgeted = await oneLookVerdict(rounds, '5%');
    const svg = forestChart(d.perRound, budgeted, 0.95);
    expect(attr(svg, /class="dots shift" data-points="(\d+)"/g)).toEqual([String(verdict.rounds)]);
    expect(attr(svg, /class="ci" d="[^"]*" data-rows="(\d+)"/g)).toEqual([String(verdict.rounds)]);
    expect(svg).toContain('class="pooled"');
    expect(svg).toContain('class="budget"');
    expect(svg.match(/>round \d+<\/text>/g)).toHaveLength(verdict.rounds);
    expect(svg).toContain('>pooled</text>');
  });

  it('sequential: one statistic and one boundary marker per look', async () => {
    const many = syntheticRounds({ rounds: 40, perRound: 400, effect: 0, seed: 9 });
    const v = await sequentialVerdict(many);
    expect(v.looks.length).toBeGreaterThan(1);
    const svg = sequentialChart(v.looks, v.plannedRequests);
    expect(attr(svg, /class="dots zdots" data-points="\d+" d="[^"]*" data-looks="(\d+)"/g)).toEqual([String(v.looks.length)]);
    expect(attr(svg, /class="boundary-dots" data-points="(\d+)"/g)).toEqual([String(v.looks.length)]);
    expect(svg.match(/<circle class="hit"/g)).toHaveLength(v.looks.length);
    // The plotted statistic is the normal score of p: crossing it is the decision rule.
    expect(zOfP(0.05)).toBeCloseTo(1.6449, 3);
    expect(zOfP(0)).toBe(8);
  });

  it('warm-up: one bar per round, invalid rounds apart', () => {
    const d = reportData(rounds);
    const svg = warmupChart(d.warmup);
    const ok = Number(attr(svg, /class="bars warm" d="[^"]*" data-bars="(\d+)"/g)[0]);
    const bad = Number(attr(svg, /class="bars invalid" d="[^"]*" data-bars="(\d+)"/g)[0]);
    expect(ok + bad).toBe(rounds.length);
    expect(bad).toBe(verdict.warmup.invalidRounds.length);
  });

  it('empty data draws a placeholder instead of failing', () => {
    const d = reportData([]);
    expect(ecdfChart(d.arms)).toContain('data-empty="true"');
    expect(forestChart([], verdict, 0.95)).toContain('data-empty="true"');
    expect(sequentialChart([], 0)).toContain('data-empty="true"');
  });
});

describe('renderReport', () => {
  it('is one self-contained HTML document: no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    const urls = html.match(/https?:\/\/[^\s"'<)]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain("default-src 'none'");
  });

  it('has every section and chart', () => {
    for (const id of ['ecdf', 'box', 'lag-baseline', 'lag-candidate', 'forest', 'sequential', 'warmup']) {
      expect(html).toContain(`data-chart="${id}"`);
    }
    for (const s of ['errors', 'figures', 'checks', 'environment']) expect(html).toContain(`data-section="${s}"`);
    expect(html).toContain(`<td><code>${esc(process.version)}</code></td>`);
  });

  it('headline: verdict text and colour class, reason, key figures', async () => {
    expect(verdict.verdict).toBe('regression');
    expect(html).toMatch(/<header class="headline regression" data-verdict="regression" data-outcome="regression"><p class="verdict">Regression<\/p>/);
    expect(html).toContain(`<p class="reason">${esc(verdict.reason[0].toUpperCase() + verdict.reason.slice(1))}.</p>`);
    const aa = syntheticRounds({ rounds: 12, perRound: 400, effect: 0, seed: 21 });
    const within = await oneLookVerdict(aa, '5%');
    expect(within.withinBudget).toBe(true);
    const pass = renderReport({ rounds: aa, verdict: within });
    expect(pass).toMatch(/<header class="headline no-regression" data-verdict="no-regression" data-outcome="within-budget"><p class="verdict">Within budget<\/p>/);
    expect(pass).toContain('Shown within the budget: the interval lies wholly below it.</p>');
    const notShown = await oneLookVerdict(aa, '0%');
    expect([notShown.verdict, notShown.withinBudget]).toEqual(['no-regression', false]);
    expect(renderReport({ rounds: aa, verdict: notShown })).toMatch(
      /data-outcome="no-regression"><p class="verdict">No regression<\/p><p class="reason">[^<]*Not shown to exceed the budget, nor shown within it/,
    );
    const inc = renderReport({ rounds: aa, verdict: { ...verdict, verdict: 'inconclusive', reason: 'a cap was reached' } });
    expect(inc).toMatch(/<header class="headline inconclusive"[^>]*><p class="verdict">Inconclusive<\/p>/);
  });

  it('escapes untrusted strings: check ids and details, environment keys and values, reasons', () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>&';
    const v: Verdict = {
      ...verdict,
      reason: `because ${evil}`,
      checks: [
        { id: `same-pod"><b>`, status: 'warn', detail: `sidecar ${evil}` },
        { id: 'limits', status: 'fail', detail: "it's 'quoted'" },
      ],
    };
    const out = renderReport({ rounds, verdict: v, environment: { [`config.${evil}`]: evil, 'config.threshold': '2%' } });
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('same-pod"><b>');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;');
    expect(out).toContain('it&#39;s &#39;quoted&#39;');
    expect(out).toContain('data-check="same-pod&quot;&gt;&lt;b&gt;"');
    expect(out).toContain('<span class="pill fail">fail</span>');
    expect(out).toContain('config.threshold');
  });

  it('environment: the CPU placement of a live run, in words', () => {
    const placement: Verdict['placement'] = {
      requested: 'auto', mode: 'same-cpu', pinned: { loadgen: '3', sut: '3' }, allowed: [2, 3],
      rounds: [0, 1, 2].map((r) => ({ round: r, first: r === 1 ? 'candidate' : 'baseline', samples: 4, differing: r === 2 ? 1 : 0, cpus: { baseline: [3], candidate: [3], loadgen: [3] } })),
    };
    const out = renderReport({ rounds, verdict: { ...verdict, placement } });
    expect(out).toContain('<code>same-cpu (auto): loadgen on CPU 3, both SUT arms on CPU 3; arms on different CPUs in 1 of 3 observed rounds; candidate started first in 1 of 3 rounds</code>');
    expect(html).not.toContain('placement');
  });

  it('shows unbounded interval ends from JSON (null) as infinity, not as 0', () => {
    const v: Verdict = { ...verdict, shift: { ...verdict.shift, ci: [-Infinity, 0.1] } };
    const out = renderReport({ rounds, verdict: v });
    expect(out).toContain('−∞ … +10%');
  });
});
