// The load generator's own floor: its median RTT against the example SUT beside wrk's (-t1 -c1,
// closed loop, the same server), as a ratio, and requests per second.
import { spawn, spawnSync } from 'node:child_process';
import { benchKeepAlive } from '../src/loadgen/bench';

export async function benchLoadgen(sutPath: string): Promise<string[]> {
  const sut = spawn(sutPath, ['0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      sut.stdout.on('data', (b: Buffer) => {
        const m = /listening on .*:(\d+)/.exec(b.toString());
        if (m) resolve(Number(m[1]));
      });
      sut.on('exit', () => reject(new Error('example SUT exited')));
    });
    const ours = await benchKeepAlive({ host: '127.0.0.1', port }, 20_000);
    const lines = [
      `loadgen vs example SUT, 20 000 keep-alive requests: median ${(ours.medianNs / 1000).toFixed(1)} µs, p99 ${(ours.p99Ns / 1000).toFixed(1)} µs, ${ours.requestsPerSecond.toFixed(0)} req/s`,
    ];
    const wrk = spawnSync('wrk', ['-t1', '-c1', '-d5s', '--latency', `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
    if (wrk.error) return [...lines, 'wrk not found (apt-get install wrk) — no comparison'];
    const median = /^\s+50%\s+([\d.]+)(us|ms|s)/m.exec(wrk.stdout);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(wrk.stdout);
    if (!median || !rps) return [...lines, `wrk output not understood: ${wrk.stdout.slice(0, 200)}`];
    const wrkUs = Number(median[1]) * (median[2] === 'ms' ? 1000 : median[2] === 's' ? 1e6 : 1);
    lines.push(
      `wrk -t1 -c1 against the same SUT: median ${wrkUs.toFixed(1)} µs, ${Number(rps[1]).toFixed(0)} req/s`,
      `  ratio of medians (ours / wrk): ${(ours.medianNs / 1000 / wrkUs).toFixed(2)}`,
    );
    return lines;
  } finally {
    sut.kill('SIGTERM');
  }
}
