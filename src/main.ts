// GitHub Action entry (main step). The pipeline is src/action/run.ts; post step: src/cleanup.ts.
import * as core from '@actions/core';
import { runAction } from './action/run';
import { messageOf } from './errors';

runAction().catch((err: unknown) => core.setFailed(`hook latency: ${messageOf(err)}`));
