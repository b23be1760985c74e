// GitHub Action entry (main step). The pipeline is src/action/run.ts; post step: src/cleanup.ts.
import * as core from '@actions/core';
import { cancelAction, runAction } from './action/run';
import { messageOf } from './errors';

// Cancelled: save and upload what was measured, then exit; a second signal exits at once.
let cancelling = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    cancelAction(signal)
      .catch((err: unknown) => core.warning(`hook latency: ${messageOf(err)}`))
      .finally(() => process.exit(130));
  });
}

runAction().catch((err: unknown) => core.setFailed(`hook latency: ${messageOf(err)}`));
