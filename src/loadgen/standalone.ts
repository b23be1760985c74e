// Entry point of the loadgen that runs next to the SUTs (in the pod, or as a child process):
//   LOADGEN_CONFIG='{"seed":1,"targets":{...},...}' node loadgen.js     or     node loadgen.js config.json
// Writes the samples CSV (header + rows) to `out` or stdout, and "loadgen: done N samples, E errors"
// on stderr. `node loadgen.js --count` counts calls per request instead (count-mode.ts). Bundled by esbuild into one file with node builtins only; it imports nothing else.
import { runStandalone } from './run-standalone';

process.exitCode = await runStandalone(process.argv.slice(2), process.env);
