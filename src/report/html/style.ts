// The report's stylesheet: one palette for the arms (Okabe-Ito blue/vermillion, distinguishable
// with colour-vision deficiencies), verdict colours, light and dark schemes, print-friendly; and
// the head every page of ours opens with.
import { esc } from './escape';

export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;
--baseline:#0072b2;--candidate:#d55e00;--budget:#b3261e;--pooled:#1f2328;--warm:#8c959f;--invalid:#cf222e;
--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--panel:#161b22;
--baseline:#56b4e9;--candidate:#f0883e;--budget:#ff7b72;--pooled:#e6edf3;--warm:#6e7681;--invalid:#f85149;
--ok:#3fb950;--ok-bg:#12261e;--bad:#f85149;--bad-bg:#2d1215;--warn:#d29922;--warn-bg:#272115}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.05rem;font-weight:600;color:var(--muted);margin:0 0 12px;letter-spacing:.02em}
h2{font-size:1.1rem;margin:0 0 4px}
p.note,figcaption{color:var(--muted);font-size:.85rem;margin:4px 0 0}
.headline{border-radius:10px;padding:18px 22px;margin-bottom:22px;border:1px solid var(--line);border-left-width:8px}
.headline .verdict{font-size:1.9rem;font-weight:700;line-height:1.2;margin:0}
.headline .reason{margin:6px 0 0;font-size:1.05rem}
.headline.regression{border-color:var(--bad);background:var(--bad-bg)}.headline.regression .verdict{color:var(--bad)}
.headline.no-regression{border-color:var(--ok);background:var(--ok-bg)}.headline.no-regression .verdict{color:var(--ok)}
.headline.inconclusive{border-color:var(--warn);background:var(--warn-bg)}.headline.inconclusive .verdict{color:var(--warn)}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0 0}
.figure{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:150px}
.figure b{display:block;font-size:1.25rem}.figure span{color:var(--muted);font-size:.8rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:20px}
.grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:20px}
section,figure.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 20px}
figure.card{margin:0}
.grid>figure.card,.grid3>figure.card{margin:0}
.row{margin-bottom:20px}
svg.chart{width:100%;height:auto;display:block;font-size:12px;overflow:visible}
svg .tick{fill:var(--muted)}svg .label{fill:var(--fg);font-size:12.5px}svg .strong{fill:var(--fg);font-weight:600}
svg .rowlabel{font-weight:600}svg .rowlabel.baseline{fill:var(--baseline)}svg .rowlabel.candidate{fill:var(--candidate)}
svg path.grid{stroke:var(--line);stroke-width:.6;fill:none;opacity:.8}
svg path.axis{stroke:var(--muted);fill:none;stroke-width:1}
svg path.ref{stroke:var(--muted);stroke-dasharray:3 3;fill:none;stroke-width:1}
svg .line{fill:none;stroke-width:2;stroke-linejoin:round}
svg .line.baseline,svg .violin.baseline,svg .box.baseline,svg .outlier.baseline,svg .dots.baseline,svg .median-mark.baseline{stroke:var(--baseline)}
svg .line.candidate,svg .violin.candidate,svg .box.candidate,svg .outlier.candidate,svg .dots.candidate,svg .median-mark.candidate{stroke:var(--candidate)}
svg .median-mark{stroke-dasharray:2 3;stroke-width:1.2;fill:none}
svg .violin{stroke-width:1}svg .violin.baseline{fill:var(--baseline);fill-opacity:.18}svg .violin.candidate{fill:var(--candidate);fill-opacity:.18}
svg .box rect{fill:var(--bg);stroke-width:1.6}svg .box .whisker{stroke-width:1.4;fill:none}svg .box .median{stroke-width:3;fill:none}
svg .outlier{stroke-width:3.5;stroke-linecap:round;fill:none;opacity:.55}
svg .dots{stroke-width:3.2;stroke-linecap:round;fill:none;opacity:.45}
svg .dots.shift{stroke:var(--fg);opacity:1}
svg .ci{stroke:var(--fg);stroke-width:1.4;fill:none;opacity:.65}
svg .pooled{fill:var(--pooled);stroke:var(--pooled)}
svg .budget{stroke:var(--budget);stroke-width:2;stroke-dasharray:6 4;fill:none}
svg .boundary{stroke:var(--budget);stroke-width:2;fill:none}svg .boundary-dots{stroke:var(--budget);stroke-width:7;stroke-linecap:round;fill:none}
svg .zline{stroke:var(--fg)}svg .zdots{stroke:var(--fg);stroke-width:7;opacity:1}
svg .planned{stroke:var(--muted);stroke-dasharray:1 4;stroke-width:1.5;fill:none}
svg .bars.warm{fill:var(--warm)}svg .bars.invalid{fill:var(--invalid);opacity:.8}
svg rect.span.even{fill:var(--line);fill-opacity:.35}svg rect.span.odd{fill:none}
svg .change{stroke:var(--warn);stroke-width:1.8;stroke-dasharray:6 4;fill:none}svg .span-median{stroke:var(--muted);stroke-width:1.5;stroke-dasharray:2 3;fill:none}svg .changepoint{stroke:var(--bad);stroke-width:2;fill:none}svg .level{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:5 3;fill:none}svg text.changepoint-label{fill:var(--bad);stroke:none}
svg .dots.trend{stroke:var(--fg);opacity:.9}svg .dots.trend.regression{stroke:var(--bad)}svg .dots.trend.inconclusive{stroke:var(--warn)}svg .dots.trend.current{stroke:var(--candidate);opacity:1}
svg .hit{fill:transparent;stroke:none}svg rect.hit:hover{fill:var(--line);fill-opacity:.45}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:.85rem;margin:2px 0 6px;color:var(--muted)}
.key{display:inline-flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:18px;height:0;border-top:3px solid currentColor}
.swatch.dot{width:10px;height:10px;border:0;border-radius:50%;background:currentColor}
.swatch.dash{border-top-style:dashed}
.swatch.baseline{color:var(--baseline)}.swatch.candidate{color:var(--candidate)}.swatch.budget{color:var(--budget)}
.swatch.pooled{color:var(--pooled)}.swatch.muted{color:var(--muted)}.swatch.invalid{color:var(--invalid)}.swatch.warm{color:var(--warm)}.swatch.warn{color:var(--warn)}.swatch.bad{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:500;white-space:nowrap}
td.num{font-variant-numeric:tabular-nums;text-align:right}
th.num{text-align:right}
.kv th{width:34%}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.78rem;font-weight:600;border:1px solid}
.pill.pass{color:var(--ok);border-color:var(--ok)}.pill.warn{color:var(--warn);border-color:var(--warn)}.pill.fail{color:var(--bad);border-color:var(--bad)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.arm-b{color:var(--baseline);font-weight:600}.arm-c{color:var(--candidate);font-weight:600}
footer{color:var(--muted);font-size:.8rem;margin-top:24px}
@media print{section,figure.card{break-inside:avoid}}
`;

/** The opening of a self-contained page: no script, no remote anything (the policy tells the browser too). */
export function pageHead(title: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="hook-latency">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
  ];
}
