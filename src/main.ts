// GitHub Action entry (main step). The pipeline is src/action/run.ts; post step: src/cleanup.ts.
import * as core from '@actions/core';
import { cancelAction, runAction } from './action/run';
import { messageOf } from './errors';

// Cancelled: save and upload what was measured, then exit. The runner sends SIGTERM 7.5 s after
// SIGINT: that one must not cut the upload short (the runner's kill 2.5 s later ends the step anyway).
let cancelling = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cancelling) {
      core.info(`hook latency: ${signal} while saving the results; the upload goes on`);
      return;
    }
    cancelling = true;
    cancelAction(signal)
      .catch((err: unknown) => core.warning(`hook latency: ${messageOf(err)}`))
      .finally(() => process.exit(130));
  });
}

runAction().catch((err: unknown) => core.setFailed(`hook latency: ${messageOf(err)}`));
