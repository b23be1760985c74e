// The one import of jstat (a CommonJS module): its jStat object, typed by src/types/jstat.d.ts.
import jstat from 'jstat';

export const { jStat } = jstat;
