import type { FailOn } from '../config';
import { EXIT } from '../errors';
import type { Verdict } from '../types';

export function exitCodeFor(v: Verdict, failOn: FailOn): number {
  if (v.verdict === 'regression') return EXIT.regression;
  if (v.verdict === 'inconclusive' && failOn === 'inconclusive') return EXIT.regression;
  return EXIT.ok;
}
