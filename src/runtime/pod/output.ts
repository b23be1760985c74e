// The loadgen's output as it comes back from a pod (`podman logs` / `kubectl logs`, which may mix
// in its stderr lines): the CSV rows of one round -> RoundData. Truncation is detected, never hidden.
import { RunError } from '../../errors';
import { SAMPLES_HEADER, parseSampleRow } from '../../loadgen/csv';
import { roundFromSamples } from '../../samples/round-data';
import type { RoundData, Sample } from '../../types';

/** The header of a load generator from before the conn column (an image built by an older release). */
const HEADER_BEFORE_CONN = 'round,arm,seq,latency_ns,start_ns,status';

export interface ParsedOutput {
  data: RoundData;
  /** Lines that were neither the header nor a sample row (the loadgen's stderr, if merged). */
  other: string[];
  headerSeen: boolean;
}

export function parseLoadgenOutput(text: string, round: number): ParsedOutput {
  const samples: Sample[] = [];
  const other: string[] = [];
  let headerSeen = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') continue;
    if (line === SAMPLES_HEADER || line === HEADER_BEFORE_CONN) {
      headerSeen = true;
      continue;
    }
    const s = parseSampleRow(line);
    if (s) samples.push(s);
    else other.push(line);
  }
  return { data: roundFromSamples(round, samples), other, headerSeen };
}

/** The rows a failed round's loadgen wrote before it stopped, or null if there are none. */
export function partialRound(text: string, round: number): RoundData | null {
  const { data } = parseLoadgenOutput(text, round);
  return data.arm.length > 0 ? data : null;
}

/** Parses and checks that the round is complete (header present, `expected` rows of this round). */
export function roundFromOutput(text: string, round: number, expected: number, where: string): RoundData {
  const parsed = parseLoadgenOutput(text, round);
  const got = parsed.data.arm.length;
  if (!parsed.headerSeen || got !== expected) {
    const tail = parsed.other.slice(-5).join(' | ');
    throw new RunError(
      `${where}: loadgen output of round ${round} is incomplete: ${got} of ${expected} rows` +
        `${parsed.headerSeen ? '' : ' (no CSV header)'}${tail ? `; loadgen said: ${tail}` : ''}`,
    );
  }
  return parsed.data;
}
