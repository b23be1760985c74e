// Records that know their environment: the hosted runner image from ImageOS/ImageVersion, the
// runtime's own version line (real podman on this machine), old records without these fields still
// load, and a change of any of them starts a new comparable span.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FACT_MAX_CHARS, runnerFacts, runtimeVersion } from '../../src/history/facts';
import { parseHistory, recordLine } from '../../src/history/record';
import { environmentChanges, sameConditions, sameRunnerType } from '../../src/history/conditions';
import { spans, pointOfRecord } from '../../src/report/html/trend';
import { EPYC, record } from './records';

describe('environment facts', () => {
  it('takes the hosted runner image from ImageOS and ImageVersion, and leaves it out elsewhere', () => {
    expect(runnerFacts({ ImageOS: 'ubuntu24', ImageVersion: '20241201.1.0' }).image).toBe('ubuntu24 20241201.1.0');
    expect('image' in runnerFacts({})).toBe(false);
    expect(runnerFacts({ ImageOS: 'x'.repeat(500) }).image).toHaveLength(FACT_MAX_CHARS);
  });

  it("reads the runtime's version from the runtime's own tool, without a network call; none for local", () => {
    const podman = execFileSync('podman', ['--version'], { encoding: 'utf8' }).trim();
    expect(runtimeVersion('podman')).toBe(podman);
    expect(runtimeVersion('local')).toBeUndefined();
    expect(runtimeVersion('replay')).toBeUndefined();
  });

  it('records without the new fields still load; the fields round-trip; a wrong type is named', () => {
    const old = record(1);
    const { records } = parseHistory(recordLine(old));
    expect(records[0]).toEqual(old);
    const full = record(2, { runtimeVersion: 'kind v0.23.0 go1.22.2 linux/amd64', runner: { ...EPYC, image: 'ubuntu24 20241201.1.0' } });
    expect(parseHistory(recordLine(full)).records[0]).toEqual(full);
    const bad = recordLine(record(3)).replace('"runtime":"kind"', '"runtime":"kind","runtimeVersion":7');
    expect(parseHistory(bad).problems).toEqual(["line 1: 'runtimeVersion' must be a string"]);
  });

  it('a kernel, image or runtime version change starts a new span and says what changed', () => {
    const a = record(1);
    const b = record(2, { runner: { ...EPYC, kernel: 'Linux 6.11.0-1001-azure' } });
    const c = record(3, { runner: { ...EPYC, kernel: 'Linux 6.11.0-1001-azure', image: 'ubuntu24 20250105.1' } });
    expect(sameRunnerType(a, b)).toBe(true);
    expect(sameConditions(a, b)).toBe(false);
    expect(environmentChanges(a, b)).toEqual(['kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure']);
    expect(environmentChanges(b, c)).toEqual(['runner image: unknown → ubuntu24 20250105.1']);
    const points = [a, record(4), b, c, record(5, { runner: c.runner })].map(pointOfRecord);
    expect(spans(points).map((s) => [s.from, s.to])).toEqual([[0, 1], [2, 2], [3, 4]]);
  });
});
