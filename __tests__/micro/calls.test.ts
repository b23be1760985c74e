// Calls of the hooked functions per request, counted for real by strace on the example SUT.
import { describe, expect, it, beforeAll } from 'vitest';
import { impliedPerCall, impliedPerCallNs } from '../../src/calls/per-call';
import { countCalls, parseStraceSummary, STRACE_MISSING, syscallsFor } from '../../src/calls/strace';
import { RunError } from '../../src/errors';
import { needs } from '../needs';
import { buildAll, hookPath, sequentialGets, SUT } from './helpers';

beforeAll(() => buildAll());

const FUNCTIONS = ['read', 'recv', 'accept', 'close', 'write'];

needs({ strace: 'strace' })('countCalls (strace -f -c) on the example SUT', () => {
  it('keep-alive GET /: one read and one write per request, no accept or close per request', async () => {
    const r = await countCalls({ command: [SUT, '0'], env: {}, functions: FUNCTIONS, run: (port) => sequentialGets(port, 400, true) });
    if ('unavailable' in r) throw new Error(r.unavailable);
    expect(r.requests).toBe(400);
    expect(r.perRequest.read).toBeGreaterThanOrEqual(1);
    expect(r.perRequest.read).toBeLessThan(1.05);
    expect(r.perRequest.write).toBeCloseTo(1, 1);
    expect(r.perRequest.recv).toBe(0);
    expect(r.perRequest.accept).toBeLessThan(0.05);
    expect(r.perRequest.close).toBeLessThan(0.05);
    console.log(`keep-alive: ${JSON.stringify(r)}`);
  });

  it("'new' connections, hooked SUT: one successful accept4 (plus the EAGAIN ending the accept loop) and one close per request", async () => {
    const r = await countCalls({
      command: [SUT, '0'],
      env: {},
      ldPreload: hookPath('readhook'),
      functions: FUNCTIONS,
      run: (port) => sequentialGets(port, 300, false),
    });
    if ('unavailable' in r) throw new Error(r.unavailable);
    const okAccepts = r.perRequest.accept! - r.errorsPerRequest.accept!;
    expect(okAccepts).toBeGreaterThan(0.95);
    expect(okAccepts).toBeLessThan(1.05);
    expect(r.perRequest.accept).toBeLessThan(2.1);
    expect(r.perRequest.close).toBeGreaterThan(0.95);
    expect(r.perRequest.close).toBeLessThan(1.1);
    expect(r.perRequest.read).toBeGreaterThan(0.95);
    expect(r.perRequest.read).toBeLessThan(2.1);
    console.log(`new connection: ${JSON.stringify(r)}`);
  });

  it('missing strace is a note, not a failure', async () => {
    const r = await countCalls({
      command: [SUT, '0'],
      env: {},
      functions: ['read'],
      run: (port) => sequentialGets(port, 1, true),
      strace: '/nonexistent/strace',
    });
    expect(r).toEqual({ unavailable: STRACE_MISSING });
  });

  it('a SUT that never gets ready is a run failure', async () => {
    await expect(
      countCalls({ command: [SUT, 'notaport'], env: {}, functions: ['read'], run: (port) => sequentialGets(port, 1, true) }),
    ).rejects.toThrow(RunError);
  });
});

describe('strace summary and per-call figures', () => {
  it('parses the -c table, with and without errors', () => {
    const t = [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 43.86    0.000100           3        31        13 accept4',
      ' 36.40    0.000083          16       505           read',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000228           4       536        13 total',
    ].join('\n');
    expect(parseStraceSummary(t)).toEqual({ accept4: { calls: 31, errors: 13 }, read: { calls: 505, errors: 0 } });
    expect(() => parseStraceSummary('')).toThrow(RunError);
  });

  it('maps libc functions to system calls', () => {
    expect(syscallsFor('accept')).toEqual(['accept', 'accept4']);
    expect(syscallsFor('recv')).toEqual(['recvfrom']);
    expect(syscallsFor('send')).toEqual(['sendto']);
    expect(syscallsFor('open')).toEqual(['open', 'openat']);
  });

  it('implied per-call overhead = shift / calls per request', () => {
    expect(impliedPerCallNs(2000, 4)).toBe(500);
    expect(impliedPerCallNs(2000, 0)).toBeNaN();
    expect(impliedPerCallNs(NaN, 1)).toBeNaN();
    expect(impliedPerCall(1000, { read: 1, close: 0, accept: 1 })).toEqual({ byFunction: { read: 1000, accept: 1000 }, all: 500 });
  });
});
