// The counting preload (hook/count.c) on the real example SUT, against strace's counts of the same
// workload (an independent counter: ptrace, system calls), keep-alive and a new connection per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countCalls } from '../../src/calls/strace';
import { COUNT_FILE_ENV, countPreloadPath, countingPreload, countWithPreload } from '../../src/cost/count-preload';
import { wrappedFunctions } from '../../src/cost/wrapped';
import { SutProcess } from '../../src/runtime/local/sut-process';
import { buildAll, freePort, hookPath, sequentialGets, SUT } from '../micro/helpers';
import { needs } from '../needs';

beforeAll(() => buildAll());
const dir = mkdtempSync(path.join(tmpdir(), 'hook-latency-count-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function preloadCounts(hook: string, functions: string[], n: number, keepAlive: boolean) {
  const port = await freePort();
  const file = path.join(dir, `counts-${port}`);
  const sut = new SutProcess({ label: 'counting', command: [SUT, '{port}'], env: { [COUNT_FILE_ENV]: file, HOOK_DELAY_NS: '0' }, port, preload: countingPreload(countPreloadPath(), hook) });
  try {
    await sut.waitReady('/healthz', 10_000);
    return await countWithPreload({
      functions,
      file,
      instance: { signal: () => void sut.child.kill('SIGUSR2'), stop: () => sut.stop() },
      drive: () => sequentialGets(port, n, keepAlive),
    });
  } finally {
    await sut.stop();
  }
}

const FNS = ['read', 'accept4', 'close', 'write'];

needs({ strace: 'strace' })('counting preload vs strace on the example SUT', () => {
  for (const keepAlive of [true, false]) {
    it(`${keepAlive ? 'keep-alive' : 'new connection per request'}: the same calls per request as strace`, async () => {
      const hook = hookPath('delay');
      const env = { HOOK_DELAY_NS: '0' };
      const viaPreload = await preloadCounts(hook, FNS, 300, keepAlive);
      const viaStrace = await countCalls({ command: [SUT, '0'], env, ldPreload: hook, functions: FNS, run: (p) => sequentialGets(p, 300, keepAlive) });
      if ('unavailable' in viaStrace) throw new Error(viaStrace.unavailable);
      console.log(`${keepAlive ? 'keep-alive' : 'new'}: preload ${JSON.stringify(viaPreload.perRequest)} strace ${JSON.stringify(viaStrace.perRequest)}`);
      // The preload brackets the requests: the connection's own calls (accept, the EOF read and close
      // when the client hangs up) are at most one each over the 300 requests.
      expect(viaPreload.perRequest.read).toBeCloseTo(1, 1);
      expect(viaPreload.perRequest.write).toBe(1);
      expect(viaPreload.perRequest.accept4).toBeCloseTo(keepAlive ? 0 : 2, 1);
      expect(viaPreload.perRequest.close).toBeCloseTo(keepAlive ? 0 : 1, 1);
      // strace also counts start-up and shutdown (a few calls over 300 requests).
      for (const fn of FNS) expect(Math.abs(viaPreload.perRequest[fn]! - viaStrace.perRequest[fn]!)).toBeLessThan(0.05);
    });
  }

  it('the wrapped functions come from the hook\'s dynamic symbol table', () => {
    expect(wrappedFunctions(hookPath('delay')).wrapped).toEqual(['accept', 'accept4', 'close', 'read', 'recv']);
    expect(wrappedFunctions(hookPath('outside')).wrapped).toEqual(['read']);
  });
});
