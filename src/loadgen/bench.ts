// Client overhead measurement for `npm run bench`: closed-loop keep-alive requests against one
// endpoint, reporting the RTT distribution and throughput. Not used on the measurement path.
import { HttpClient, serializeRequest, type Endpoint } from './http-client';

export interface ClientBenchResult {
  requests: number;
  errors: number;
  medianNs: number;
  p90Ns: number;
  p99Ns: number;
  requestsPerSecond: number;
}

export async function benchKeepAlive(target: Endpoint, requests: number, path = '/', warmup = 1000): Promise<ClientBenchResult> {
  const client = new HttpClient(target, { keepAlive: true, timeoutMs: 5000 });
  const buf = serializeRequest({ method: 'GET', path }, target, true);
  try {
    for (let i = 0; i < warmup; i++) await client.request(buf);
    const lat = new Float64Array(requests);
    let errors = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const r = await client.request(buf);
      lat[i] = r.latencyNs;
      if (r.status === 0) errors++;
    }
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    lat.sort();
    const q = (p: number): number => lat[Math.min(requests - 1, Math.floor(p * requests))]!;
    return { requests, errors, medianNs: q(0.5), p90Ns: q(0.9), p99Ns: q(0.99), requestsPerSecond: requests / elapsed };
  } finally {
    client.close();
  }
}
