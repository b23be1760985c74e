#!/usr/bin/env node
// hook-latency: run | analyze | micro | report | history. Parses argv, dispatches, maps outcomes to exit codes.
import { parseArgs } from 'node:util';
import { analyzeCommand } from './commands/analyze';
import { HISTORY_FLAGS, historyCommand } from './commands/history';
import { microCommand } from './commands/micro';
import { reportCommand } from './commands/report';
import { removeLeftovers, runCommand } from './commands/run';
import { EXIT, exitCodeOf, messageOf, UsageError } from './errors';
import { salvageRoundInProgress } from './engine';
import { HISTORY_USAGE, OPTIONS, USAGE } from './cli-options';

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
    case 'history': {
      if (positionals.length !== 1) throw new UsageError(`history needs exactly one history file: ${HISTORY_USAGE}`);
      const other = Object.keys(values).find((k) => !HISTORY_FLAGS.includes(k));
      if (other) throw new UsageError(`history does not take --${other}: ${HISTORY_USAGE}`);
      return historyCommand(positionals[0], { out: values.out, json: values.json, failOnChange: values['fail-on-change'] });
    }
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
