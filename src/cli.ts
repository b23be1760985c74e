#!/usr/bin/env node
// hook-latency: run | analyze | micro | report | history. Parses argv, dispatches, maps outcomes to exit codes.
import { parseArgs } from 'node:util';
import { analyzeCommand } from './commands/analyze';
import { historyCommand } from './commands/history';
import { microCommand } from './commands/micro';
import { reportCommand } from './commands/report';
import { removeLeftovers, runCommand } from './commands/run';
import { EXIT, exitCodeOf, messageOf, UsageError } from './errors';
import { salvageRoundInProgress } from './engine';

const USAGE = `usage: hook-latency <command> [options]

commands:
  run       measure baseline vs hooked SUT (or replay a recording) and gate on the budget
  analyze   one-shot analysis of a samples CSV
  micro     micro benchmark: ns per call of the hooked function, with and without the hook
  report    self-contained HTML report of a samples CSV: report SAMPLES.csv [--verdict verdict.json] [--out report.html]
  history   trend chart of a gate's history file (JSON Lines from the data branch): history FILE.jsonl [--out trend.html]

run options:
  --config FILE            YAML config (keys as in README)
  --runtime NAME           local | podman | kind | kubernetes | replay
  --hook PATH              hook under test (LD_PRELOAD of the candidate)
  --baseline-hook PATH     hook of the baseline arm (default: none)
  --replay FILE            samples CSV for --runtime replay
  --threshold 2%|50us      budget the candidate may cost (default 0)
  --alpha P                false-positive rate (default 0.05)
  --power P                target power for the planned effect (default 0.9)
  --mde 2.5%|20us          slowdown beyond the budget the plan must detect (default 2.5%)
  --max-requests N         cap on requests in all (default 200000)
  --max-duration 10m       cap on time (default 20m)
  --seed N                 seed of the randomized schedule
  --out DIR                write samples.csv, verdict.json, summary.md
  --json                   print the verdict JSON on stdout
  --fail-on-inconclusive   exit 1 on an inconclusive verdict too
  --placement MODE         auto | same-cpu | split | off: CPU pinning of loadgen and both arms (default auto = same-cpu)
  --count-calls            count hooked calls per request (counting preload, or strace on local)
  --decompose              also micro-benchmark each counted function: predicted vs measured overhead

micro options:
  --hook PATH              hook under test (required)
  --baseline-hook PATH     compare against another hook instead of none
  --function NAME          read | recv | write | send | accept | accept4 | close | open (default read)
  --threshold 10ns         budget per call (default 0)
  --rounds N --batches N --batch-size N --cpu N --seed N --json

exit codes: 0 no regression, 1 regression, 2 bad usage or input, 3 the run failed`;

const OPTIONS = {
  config: { type: 'string' },
  runtime: { type: 'string' },
  hook: { type: 'string' },
  'baseline-hook': { type: 'string' },
  replay: { type: 'string' },
  threshold: { type: 'string' },
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
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'fail-on-inconclusive': { type: 'boolean' },
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

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  const { values, positionals } = parseFlags(rest);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  switch (command) {
    case 'run':
      if (positionals.length) throw new UsageError(`run takes no positional arguments, got '${positionals[0]}'`);
      return runCommand(values);
    case 'analyze':
      if (positionals.length !== 1) throw new UsageError('analyze needs exactly one samples file: hook-latency analyze SAMPLES.csv');
      return analyzeCommand(positionals[0], values);
    case 'micro':
      if (positionals.length) throw new UsageError(`micro takes no positional arguments, got '${positionals[0]}'`);
      return microCommand(values);
    case 'report':
      if (positionals.length !== 1) {
        throw new UsageError('report needs exactly one samples file: hook-latency report SAMPLES.csv [--verdict verdict.json] [--out report.html]');
      }
      return reportCommand(positionals[0], { verdict: values.verdict, out: values.out, threshold: values.threshold, alpha: values.alpha });
    case 'history':
      if (positionals.length !== 1) throw new UsageError('history needs exactly one history file: hook-latency history FILE.jsonl [--out trend.html]');
      return historyCommand(positionals[0], { out: values.out });
    default:
      throw new UsageError(`unknown command '${command}' (try: run, analyze, micro, report, history)`);
  }
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(messageOf(err).split('\n')[0]);
  }
}

// Ctrl-C / SIGTERM: remove the pods, namespaces or cluster the run created, then exit through
// process.exit so the local runtime's exit handlers stop every SUT. A second signal exits at once.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`hook-latency: interrupted by ${signal}; stopping the SUTs\n`);
    salvageRoundInProgress();
    removeLeftovers((line) => process.stderr.write(`hook-latency: ${line}\n`)).finally(() => process.exit(130));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hook-latency: ${messageOf(err)}\n`);
    if (process.env.HOOK_LATENCY_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCodeOf(err);
  },
);
