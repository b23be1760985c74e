import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors';
import { readSamples } from '../../src/samples/read';
import { writeSamples } from '../../src/samples/write';

const dir = mkdtempSync(join(tmpdir(), 'samples-read-'));
let counter = 0;
function file(content: string | Buffer, name = `f${counter++}.csv`): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function readError(content: string | Buffer): Promise<string> {
  const p = file(content);
  const err = await readSamples(p).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const msg = (err as Error).message;
  expect(msg.split('\n')).toHaveLength(1);
  expect(msg.startsWith(p)).toBe(true);
  return msg;
}

describe('readSamples', () => {
  it('reads rounds in order, sorted by seq, with status and start columns', async () => {
    const p = file(
      'round,arm,seq,latency_ns,start_ns,status\n' +
        '1,candidate,1,300,10,200\n1,baseline,0,200,5,200\n' +
        '0,baseline,0,100,0,200\n0,candidate,1,110,1,0\n',
    );
    const rounds = await readSamples(p);
    expect(rounds.map((r) => r.round)).toEqual([0, 1]);
    expect([...rounds[1].arm]).toEqual([0, 1]);
    expect([...rounds[1].latencyNs]).toEqual([200, 300]);
    expect([...rounds[0].status!]).toEqual([200, 0]);
    expect([...rounds[0].startNs!]).toEqual([0, 1]);
  });

  it('accepts the minimal header, CRLF line ends and gzip by content', async () => {
    const text = 'round,arm,seq,latency_ns\r\n0,baseline,0,5\r\n0,candidate,1,6\r\n';
    const plain = await readSamples(file(text));
    const gz = await readSamples(file(gzipSync(text), 'x.csv.gz'));
    expect([...gz[0].latencyNs]).toEqual([5, 6]);
    expect([...plain[0].latencyNs]).toEqual([5, 6]);
    expect(plain[0].status).toBeNull();
  });

  it('round-trips through the writer', async () => {
    const p = file('round,arm,seq,latency_ns,start_ns,status\n0,baseline,0,100,0,200\n0,candidate,1,110,7,0\n');
    const rounds = await readSamples(p);
    const out = join(dir, 'rt.csv.gz');
    writeSamples(out, rounds);
    const again = await readSamples(out);
    expect([...again[0].latencyNs]).toEqual([100, 110]);
    expect([...again[0].status!]).toEqual([200, 0]);
    expect([...again[0].startNs!]).toEqual([0, 7]);
  });

  it('reads the conn column out of row order (concurrency), and files without it as before', async () => {
    const p = file(
      'round,arm,seq,latency_ns,start_ns,status,conn\n' +
        '0,candidate,3,300,12,200,1\n0,baseline,0,100,0,200,0\n0,baseline,2,150,9,200,1\n0,candidate,1,110,4,200,0\n',
    );
    const [r] = await readSamples(p);
    expect([...r!.seq]).toEqual([0, 1, 2, 3]);
    expect([...r!.conn!]).toEqual([0, 0, 1, 1]);
    const out = join(dir, 'conn.csv');
    writeSamples(out, [r!]);
    expect([...(await readSamples(out))[0]!.conn!]).toEqual([0, 0, 1, 1]);
    const old = await readSamples(file('round,arm,seq,latency_ns,start_ns,status\n0,baseline,0,100,0,200\n0,candidate,1,110,7,0\n'));
    expect(old[0]!.conn).toBeNull();
  });

  it.each([
    ['', 'empty file'],
    ['round,arm,seq,latency_ns,conn\n0,baseline,0,5,64\n', ":2: conn must be at most 63, got '64'"],
    ['round,arm,seq,latency_ns,conn\n0,baseline,0,5,x\n', ":2: conn must be an integer >= 0, got 'x'"],
    ['start_time,response_time\n1,2\n', ':1: wrong header'],
    ['round,arm,seq,latency_ns\n0,baseline,0,abc\n', ":2: latency_ns must be an integer > 0, got 'abc'"],
    ['round,arm,seq,latency_ns\n0,baseline,0,-5\n', ":2: latency_ns must be an integer > 0, got '-5'"],
    ['round,arm,seq,latency_ns\n0,baseline,0,0\n', 'latency_ns must be an integer > 0'],
    ['round,arm,seq,latency_ns\n0,treatment,0,5\n', ":2: arm must be 'baseline' or 'candidate', got 'treatment'"],
    ['round,arm,seq,latency_ns\n0,baseline,0,5\n0,baseline,1,6\n', 'no candidate samples'],
    ['round,arm,seq,latency_ns\n0,baseline,0,5\n0,candidate,1\n', ':3: expected 4 fields, found 3'],
    ['round,arm,seq,latency_ns\n', 'no samples after the header'],
    ['round,arm,seq,latency_ns\n0,baseline,0,5\n0,candidate,0,6\n', 'round 0 has seq 0 twice'],
    ['round,arm,seq,latency_ns\n-1,baseline,0,5\n', "round must be an integer >= 0, got '-1'"],
  ])('rejects %j with one line naming the problem', async (content, expected) => {
    expect(await readError(content)).toContain(expected);
  });

  it('rejects binary garbage and a corrupt gzip stream', async () => {
    expect(await readError(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10]))).toContain('binary data');
    const gz = gzipSync('round,arm,seq,latency_ns\n0,baseline,0,5\n');
    expect(await readError(gz.subarray(0, gz.length - 6))).toMatch(/corrupt gzip|unexpected end/);
  });

  it('names a missing file and a directory', async () => {
    await expect(readSamples(join(dir, 'nope.csv'))).rejects.toThrow(/nope.csv: no such file/);
    await expect(readSamples(dir)).rejects.toThrow(/is a directory/);
  });
});
