// The CLI's usage text and the options parseArgs accepts (one place, so a test can hold one to the other).

export const HISTORY_USAGE = 'hook-latency history FILE.jsonl [--out trend.html] [--json] [--fail-on-change]';

export const USAGE = `usage: hook-latency <command> [options]

commands:
  run       measure baseline vs hooked SUT (or replay a recording) and gate on the budget
  analyze   one-shot analysis of a samples CSV
  micro     micro benchmark: ns per call of the hooked function, with and without the hook
  report    self-contained HTML report of a samples CSV: report SAMPLES.csv [--verdict verdict.json] [--out report.html]
  history   trend chart, spans and change points of a gate's history file (JSON Lines from the data branch):
            history FILE.jsonl [--out trend.html] [--json] [--fail-on-change]

run options:
  --config FILE            YAML config (keys as in README)
  --runtime NAME           local | podman | kind | kubernetes | replay
  --hook PATH              hook under test (LD_PRELOAD of the candidate)
  --baseline-hook PATH     hook of the baseline arm (default: none)
  --replay FILE            samples CSV for --runtime replay
  --threshold 2%|50us      budget the candidate may cost (default 0)
  --tail LEVEL             p95 | p99 | p99.9 | off: the upper quantile the tail test compares (default p99)
  --tail-threshold 5%|20us budget of the tail on its own (default: --threshold)
  --alpha P                false-positive rate of all tests together (default 0.05)
  --power P                target power for the planned effect (default 0.9)
  --mde 2.5%|20us          slowdown beyond the budget the plan must detect (default 2.5%)
  --max-requests N         cap on requests in all (default 200000)
  --max-duration 10m       cap on time (default 20m)
  --requests-per-round N   recorded requests per round, both arms (default 400 local, 2000 in a pod)
  --warmup-requests N      unrecorded warm-up requests per arm at the start of each round (default 50)
  --min-rounds N           rounds the plan covers at least; a boundary crossing may end a run sooner (default 10 local, 20 in a pod)
  --look-every N           rounds between looks of the sequential test (default 5)
  --connection MODE        keep-alive | new: one connection per arm, or one per request (default keep-alive)
  --concurrency N          closed-loop connections per arm, 1..64: requests in flight at once (default 1)
  --seed N                 seed of the randomized schedule
  --out DIR                write samples.csv, verdict.json, summary.md
  --json                   print the verdict JSON on stdout
  --fail-on MODE           regression | inconclusive | strict: exit 1 on a regression (default), on inconclusive too,
                           or (strict) unless the interval lies below the budget (within-budget)
  --fail-on-inconclusive   exit 1 on an inconclusive verdict too (= --fail-on inconclusive)
  --placement MODE         auto | same-cpu | split | off: CPU pinning of loadgen and both arms (default auto = same-cpu)
  --count-calls            count hooked calls per request (counting preload, or strace on local)
  --decompose              also micro-benchmark each counted function: predicted vs measured overhead

history options:
  --out FILE               the chart (default trend.html; with --json only when given)
  --json                   print {spans, changePoints} on stdout
  --fail-on-change         exit 1 when the newest span has a change point no environment change explains
                           (for a scheduled job on the default branch, never the PR gate)

micro options:
  --hook PATH              hook under test (required)
  --baseline-hook PATH     compare against another hook instead of none
  --function NAME          read | recv | write | send | accept | accept4 | close | open (default read)
  --threshold 10ns         budget per call (default 0)
  --rounds N --batches N --batch-size N --cpu N --seed N --json

exit codes: 0 no regression, 1 regression, 2 bad usage or input, 3 the run failed`;

export const OPTIONS = {
  config: { type: 'string' },
  runtime: { type: 'string' },
  hook: { type: 'string' },
  'baseline-hook': { type: 'string' },
  replay: { type: 'string' },
  threshold: { type: 'string' },
  tail: { type: 'string' },
  'tail-threshold': { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  mde: { type: 'string' },
  'max-requests': { type: 'string' },
  'max-duration': { type: 'string' },
  'look-every': { type: 'string' },
  'min-rounds': { type: 'string' },
  'requests-per-round': { type: 'string' },
  'warmup-requests': { type: 'string' },
  connection: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'fail-on': { type: 'string' },
  'fail-on-inconclusive': { type: 'boolean' },
  'fail-on-change': { type: 'boolean' },
  'count-calls': { type: 'boolean' },
  placement: { type: 'string' },
  decompose: { type: 'boolean' },
  function: { type: 'string' },
  verdict: { type: 'string' },
  rounds: { type: 'string' },
  batches: { type: 'string' },
  'batch-size': { type: 'string' },
  cpu: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
