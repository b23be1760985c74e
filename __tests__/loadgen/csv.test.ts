import { describe, expect, it } from 'vitest';
import { SAMPLES_HEADER, formatSampleRow, formatSamplesCsv, parseSampleRow } from '../../src/loadgen/csv';

describe('samples CSV', () => {
  it('formats rows per the contract', () => {
    expect(SAMPLES_HEADER).toBe('round,arm,seq,latency_ns,start_ns,status,conn');
    expect(formatSampleRow({ round: 2, arm: 'candidate', seq: 7, latencyNs: 12345.6, startNs: 99, status: 200, conn: 3 })).toBe(
      '2,candidate,7,12346,99,200,3',
    );
    expect(formatSampleRow({ round: 0, arm: 'baseline', seq: 0, latencyNs: 5 })).toBe('0,baseline,0,5,,,');
    expect(formatSamplesCsv([{ round: 0, arm: 'baseline', seq: 0, latencyNs: 5, startNs: 1, status: 0, conn: 0 }])).toBe(
      'round,arm,seq,latency_ns,start_ns,status,conn\n0,baseline,0,5,1,0,0\n',
    );
  });

  it('reads back the rows the load generator writes (with or without conn), and nothing else', () => {
    expect(parseSampleRow('2,candidate,7,12346,99,200,5')).toEqual({ round: 2, arm: 'candidate', seq: 7, latencyNs: 12346, startNs: 99, status: 200, conn: 5 });
    expect(parseSampleRow('2,candidate,7,12346,99,200')).toEqual({ round: 2, arm: 'candidate', seq: 7, latencyNs: 12346, startNs: 99, status: 200 });
    expect(parseSampleRow('0,baseline,0,5,,')).toEqual({ round: 0, arm: 'baseline', seq: 0, latencyNs: 5 });
    expect(parseSampleRow('0,baseline,0,5,,,')).toEqual({ round: 0, arm: 'baseline', seq: 0, latencyNs: 5 });
    expect(parseSampleRow(SAMPLES_HEADER)).toBeNull();
    expect(parseSampleRow('loadgen: done 2 samples, 0 errors')).toBeNull();
    expect(parseSampleRow('0,other,0,5,1,200')).toBeNull();
    expect(parseSampleRow('0,baseline,0,5,1,200,x')).toBeNull();
  });
});
