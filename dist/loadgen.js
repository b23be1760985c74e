import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/loadgen/run-standalone.ts
import { setTimeout as sleep2 } from "node:timers/promises";
import { createWriteStream, openSync, readFileSync as readFileSync2 } from "node:fs";

// src/loadgen/http-client.ts
import net from "node:net";
function hostHeader(target) {
  const h = target.host.includes(":") && !target.host.startsWith("[") ? `[${target.host}]` : target.host;
  return `${h}:${target.port}`;
}
var METHODS_WITH_BODY = /* @__PURE__ */ new Set(["POST", "PUT", "PATCH"]);
function serializeRequest(spec, target, keepAlive) {
  const method = spec.method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new Error(`bad HTTP method: ${JSON.stringify(spec.method)}`);
  if (!spec.path.startsWith("/") || /[\s]/.test(spec.path)) {
    throw new Error(`bad request path (must start with / and contain no whitespace): ${JSON.stringify(spec.path)}`);
  }
  const body = spec.body === void 0 ? void 0 : Buffer.from(spec.body, "utf8");
  const user = spec.headers ?? {};
  const lower = new Set(Object.keys(user).map((k) => k.toLowerCase()));
  let head = `${method} ${spec.path} HTTP/1.1\r
`;
  if (!lower.has("host")) head += `Host: ${hostHeader(target)}\r
`;
  for (const [k, v] of Object.entries(user)) {
    const name = k.toLowerCase();
    if (name === "connection" || name === "content-length" || name === "transfer-encoding") continue;
    if (/[\r\n:]/.test(k) || /[\r\n]/.test(v)) throw new Error(`bad header ${JSON.stringify(k)}`);
    head += `${k}: ${v}\r
`;
  }
  head += `Connection: ${keepAlive ? "keep-alive" : "close"}\r
`;
  if (body !== void 0 || METHODS_WITH_BODY.has(method)) head += `Content-Length: ${body?.length ?? 0}\r
`;
  head += "\r\n";
  const h = Buffer.from(head, "latin1");
  return body === void 0 ? h : Buffer.concat([h, body]);
}
var HEAD = 0;
var BODY_LENGTH = 1;
var CHUNK_SIZE = 2;
var CHUNK_DATA = 3;
var CHUNK_CRLF = 4;
var TRAILERS = 5;
var BODY_UNTIL_CLOSE = 6;
var DONE = 7;
var MAX_HEAD = 64 * 1024;
var MAX_LINE = 8 * 1024;
var CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");
var STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
var MalformedResponse = class extends Error {
};
var ResponseParser = class {
  constructor(headRequest = false) {
    this.headRequest = headRequest;
  }
  headRequest;
  status = 0;
  /** Whether the connection may carry another request after this response. */
  keepAlive = true;
  bodyBytes = 0;
  /** Bytes received after the end of the response (the connection is then not reused). */
  extraBytes = 0;
  state = HEAD;
  pending = null;
  remaining = 0;
  get done() {
    return this.state === DONE;
  }
  /** Whether the body is delimited by the connection closing. */
  get untilClose() {
    return this.state === BODY_UNTIL_CLOSE;
  }
  /** Feeds bytes; returns true when the response is complete. Throws MalformedResponse. */
  feed(chunk) {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case HEAD: {
          const idx = buf.indexOf(CRLFCRLF, pos);
          if (idx < 0) {
            if (buf.length - pos > MAX_HEAD) throw new MalformedResponse("response head too large");
            this.pending = buf.subarray(pos);
            return false;
          }
          this.parseHead(buf.toString("latin1", pos, idx));
          pos = idx + 4;
          break;
        }
        case BODY_LENGTH: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          this.bodyBytes += n;
          pos += n;
          if (this.remaining === 0) this.state = DONE;
          break;
        }
        case CHUNK_SIZE:
        case TRAILERS: {
          const eol = buf.indexOf(13, pos);
          if (eol < 0 || eol + 1 >= buf.length) {
            if (buf.length - pos > MAX_LINE) throw new MalformedResponse("chunk line too long");
            this.pending = buf.subarray(pos);
            return false;
          }
          if (buf[eol + 1] !== 10) throw new MalformedResponse("bare CR in chunk framing");
          const line = buf.toString("latin1", pos, eol);
          pos = eol + 2;
          if (this.state === TRAILERS) {
            if (line === "") this.state = DONE;
            break;
          }
          const hex = line.split(";", 1)[0].trim();
          if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new MalformedResponse(`bad chunk size ${JSON.stringify(line)}`);
          const size = parseInt(hex, 16);
          if (size === 0) this.state = TRAILERS;
          else {
            this.remaining = size;
            this.state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, buf.length - pos);
          this.remaining -= n;
          this.bodyBytes += n;
          pos += n;
          if (this.remaining === 0) this.state = CHUNK_CRLF;
          break;
        }
        case CHUNK_CRLF: {
          if (buf.length - pos < 2) {
            this.pending = buf.subarray(pos);
            return false;
          }
          if (buf[pos] !== 13 || buf[pos + 1] !== 10) throw new MalformedResponse("missing CRLF after chunk");
          pos += 2;
          this.state = CHUNK_SIZE;
          break;
        }
        case BODY_UNTIL_CLOSE:
          this.bodyBytes += buf.length - pos;
          return false;
        case DONE:
          this.extraBytes += buf.length - pos;
          this.keepAlive = false;
          return true;
      }
    }
    return this.state === DONE;
  }
  parseHead(head) {
    const lines = head.split("\r\n");
    const m = STATUS_LINE.exec(lines[0]);
    if (!m) throw new MalformedResponse(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`);
    const minor = m[1];
    const status = Number(m[2]);
    let contentLength = -1;
    let chunked = false;
    let connection = "";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(":");
      if (colon <= 0) throw new MalformedResponse(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === "content-length") {
        const v = line.slice(colon + 1).trim();
        if (!/^\d{1,15}$/.test(v)) throw new MalformedResponse(`bad Content-Length ${JSON.stringify(v)}`);
        const n = Number(v);
        if (contentLength >= 0 && contentLength !== n) throw new MalformedResponse("conflicting Content-Length");
        contentLength = n;
      } else if (name === "transfer-encoding") {
        const codings = line.slice(colon + 1).toLowerCase().split(",");
        chunked = codings[codings.length - 1].trim() === "chunked";
      } else if (name === "connection") {
        connection += "," + line.slice(colon + 1).toLowerCase();
      }
    }
    if (status >= 100 && status < 200 && status !== 101) return;
    this.status = status;
    const tokens = connection.split(",").map((s) => s.trim());
    this.keepAlive = minor === "1" ? !tokens.includes("close") : tokens.includes("keep-alive");
    if (status === 101) {
      this.keepAlive = false;
      this.state = DONE;
    } else if (this.headRequest || status === 204 || status === 304) {
      this.state = DONE;
    } else if (chunked) {
      this.state = CHUNK_SIZE;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? DONE : BODY_LENGTH;
    } else {
      this.keepAlive = false;
      this.state = BODY_UNTIL_CLOSE;
    }
  }
};
function errorString(err) {
  const e = err;
  return e?.code ?? e?.message ?? String(err);
}
var HttpClient = class {
  constructor(target, options) {
    this.target = target;
    this.options = options;
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
  }
  target;
  options;
  /** How many TCP connections this client has opened. */
  connects = 0;
  socket = null;
  ready = false;
  pending = null;
  closed = false;
  /** Sends a pre-serialized request; resolves with the status or a status-0 error. Never rejects. */
  request(buf, opts = {}) {
    return new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      if (this.pending !== null) {
        resolve({ status: 0, error: "request already in flight", startNs: t0, latencyNs: 1, bodyBytes: 0, connected: false });
        return;
      }
      if (this.closed) {
        resolve({ status: 0, error: "client closed", startNs: t0, latencyNs: 1, bodyBytes: 0, connected: false });
        return;
      }
      const needConnect = this.socket === null || !this.options.keepAlive;
      if (needConnect) this.dropSocket();
      const p = {
        resolve,
        parser: new ResponseParser(opts.head === true),
        buf,
        t0,
        connected: needConnect,
        timer: setTimeout(() => this.fail(`timeout after ${this.options.timeoutMs} ms`), this.options.timeoutMs),
        written: false
      };
      this.pending = p;
      if (needConnect) this.connect();
      else this.write(p);
    });
  }
  /** Closes the connection; later requests resolve with an error. */
  close() {
    this.closed = true;
    if (this.pending !== null) this.fail("client closed");
    this.dropSocket();
  }
  write(p) {
    const sock = this.socket;
    if (this.options.keepAlive) p.t0 = process.hrtime.bigint();
    p.written = true;
    sock.write(p.buf);
  }
  connect() {
    const sock = net.connect({ host: this.target.host, port: this.target.port, noDelay: true });
    sock.setNoDelay(true);
    this.socket = sock;
    this.ready = false;
    this.connects++;
    sock.on("connect", () => {
      if (this.socket !== sock) return;
      this.ready = true;
      if (this.pending !== null && !this.pending.written) this.write(this.pending);
    });
    sock.on("data", (chunk) => {
      if (this.socket !== sock) return;
      const p = this.pending;
      if (p === null) {
        this.dropSocket();
        return;
      }
      let complete;
      try {
        complete = p.parser.feed(chunk);
      } catch (err) {
        this.fail(`malformed response: ${err.message}`);
        return;
      }
      if (complete) this.succeed(p);
    });
    sock.on("end", () => {
      if (this.socket !== sock) return;
      const p = this.pending;
      if (p !== null) {
        if (p.parser.untilClose) this.succeed(p);
        else this.fail(p.written ? "connection closed before response complete" : "connection closed");
      }
      this.dropSocket();
    });
    sock.on("error", (err) => {
      if (this.socket !== sock) return;
      this.fail(errorString(err));
    });
    sock.on("close", () => {
      if (this.socket !== sock) return;
      if (this.pending !== null) this.fail("connection closed before response complete");
      this.socket = null;
      this.ready = false;
    });
  }
  succeed(p) {
    const t1 = process.hrtime.bigint();
    clearTimeout(p.timer);
    this.pending = null;
    if (!this.options.keepAlive || !p.parser.keepAlive) this.dropSocket();
    p.resolve({
      status: p.parser.status,
      startNs: p.t0,
      latencyNs: Math.max(1, Number(t1 - p.t0)),
      bodyBytes: p.parser.bodyBytes,
      connected: p.connected
    });
  }
  fail(error) {
    const p = this.pending;
    this.dropSocket();
    if (p === null) return;
    const t1 = process.hrtime.bigint();
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve({ status: 0, error, startNs: p.t0, latencyNs: Math.max(1, Number(t1 - p.t0)), bodyBytes: p.parser.bodyBytes, connected: p.connected });
  }
  dropSocket() {
    const sock = this.socket;
    if (sock === null) return;
    this.socket = null;
    this.ready = false;
    sock.destroy();
  }
  /** Whether a connection is currently open and established. */
  get isConnected() {
    return this.socket !== null && this.ready;
  }
};

// src/experiment/prng.ts
function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function toSeed32(seed, what) {
  if (!Number.isInteger(seed)) throw new RangeError(`${what} must be an integer, got ${seed}`);
  return Number(BigInt.asUintN(32, BigInt(seed)));
}
function splitmix32(state) {
  const next = state + 2654435769 >>> 0;
  return [fmix32(next), next];
}
var rotl = (x, k) => (x << k | x >>> 32 - k) >>> 0;
var Prng = class _Prng {
  s0;
  s1;
  s2;
  s3;
  /** @param seed any integer; only its low 32 bits matter. */
  constructor(seed) {
    let st = toSeed32(seed, "seed");
    let out;
    [out, st] = splitmix32(st);
    this.s0 = out;
    [out, st] = splitmix32(st);
    this.s1 = out;
    [out, st] = splitmix32(st);
    this.s2 = out;
    [out, st] = splitmix32(st);
    this.s3 = out;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 2654435769;
  }
  /** A generator with an explicit 128-bit state (not all zero); for known-answer tests. */
  static fromState(s0, s1, s2, s3) {
    if ((s0 | s1 | s2 | s3) >>> 0 === 0) throw new RangeError("xoshiro128** state must not be all zero");
    const g = new _Prng(0);
    g.s0 = s0 >>> 0;
    g.s1 = s1 >>> 0;
    g.s2 = s2 >>> 0;
    g.s3 = s3 >>> 0;
    return g;
  }
  /** Next uniformly distributed unsigned 32-bit integer. */
  nextU32() {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = s1 << 9 >>> 0;
    this.s2 = (this.s2 ^ s0) >>> 0;
    this.s3 = (this.s3 ^ s1) >>> 0;
    this.s1 = (s1 ^ this.s2) >>> 0;
    this.s0 = (s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat() {
    return this.nextU32() / 4294967296;
  }
  /** A fair coin: 0 or 1 (the top bit, the best-scrambled one). */
  nextBit() {
    return this.nextU32() >>> 31;
  }
  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (rejection sampling, no modulo bias). */
  nextInt(n) {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextInt: bad bound ${n}`);
    const limit = 4294967296 - 4294967296 % n;
    for (; ; ) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }
};
function deriveSeed(seed, round, stream = 0) {
  let h = fmix32(toSeed32(seed, "seed") ^ 608135816);
  h = fmix32((h ^ Math.imul(toSeed32(round, "round"), 2654435769)) >>> 0);
  h = fmix32((h ^ Math.imul(toSeed32(stream, "stream"), 2246822507) ^ 320440878) >>> 0);
  return h >>> 0;
}
var STREAM = { schedule: 0, mix: 1, warmupMix: 2, startOrder: 3 };

// src/experiment/schedule.ts
var BASELINE = 0;
var CANDIDATE = 1;
function checkCount(n, what) {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}
function pairSchedule(seed, round, pairs) {
  checkCount(pairs, "pairs");
  const rng = new Prng(deriveSeed(seed, round, STREAM.schedule));
  const out = new Uint8Array(2 * pairs);
  for (let k = 0; k < pairs; k++) {
    const first = rng.nextBit();
    out[2 * k] = first;
    out[2 * k + 1] = 1 - first;
  }
  return out;
}
function warmupSchedule(warmupPerArm, first = "baseline") {
  checkCount(warmupPerArm, "warmupPerArm");
  const lead = first === "baseline" ? BASELINE : CANDIDATE;
  const out = new Uint8Array(2 * warmupPerArm);
  for (let i = 0; i < out.length; i++) out[i] = i % 2 === 0 ? lead : 1 - lead;
  return out;
}
function firstStarted(seed, round) {
  return new Prng(deriveSeed(seed, round, STREAM.startOrder)).nextBit() === BASELINE ? "baseline" : "candidate";
}

// src/loadgen/loadgen.ts
var ARM_NAMES = ["baseline", "candidate"];
var MAX_ERROR_MESSAGES = 10;
function mixTable(requests) {
  if (requests.length === 0) throw new Error("loadgen: at least one request is required");
  const cum = new Float64Array(requests.length);
  let total = 0;
  requests.forEach((r, i) => {
    const w = r.weight ?? 1;
    if (!Number.isFinite(w) || w < 0) throw new Error(`loadgen: request ${i} has a bad weight ${w}`);
    total += w;
    cum[i] = total;
  });
  if (!(total > 0)) throw new Error("loadgen: request weights sum to 0");
  return cum;
}
function pickRequest(cum, rng) {
  if (cum.length === 1) return 0;
  const x = rng.nextFloat() * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (x < cum[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
async function runRound(opts) {
  const { round, seed, pairs, warmupPerArm, timeoutMs } = opts;
  if (!Number.isInteger(round) || round < 0) throw new RangeError(`round must be an integer >= 0, got ${round}`);
  if (opts.connection !== "keep-alive" && opts.connection !== "new") {
    throw new RangeError(`connection must be 'keep-alive' or 'new', got ${String(opts.connection)}`);
  }
  const keepAlive = opts.connection === "keep-alive";
  const cum = mixTable(opts.requests);
  const targets = [opts.targets.baseline, opts.targets.candidate];
  const wire = targets.map((t) => opts.requests.map((r) => serializeRequest(r, t, keepAlive)));
  const isHead = opts.requests.map((r) => r.method.toUpperCase() === "HEAD");
  const clients = targets.map((t) => new HttpClient(t, { timeoutMs, keepAlive }));
  const warm = warmupSchedule(warmupPerArm, firstStarted(seed, round));
  const sched = pairSchedule(seed, round, pairs);
  const warmRng = new Prng(deriveSeed(seed, round, STREAM.warmupMix));
  const mixRng = new Prng(deriveSeed(seed, round, STREAM.mix));
  const errors = { baseline: 0, candidate: 0 };
  const messages = /* @__PURE__ */ new Set();
  const note = (arm, r) => {
    if (messages.size < MAX_ERROR_MESSAGES && r.error !== void 0) messages.add(`${ARM_NAMES[arm]}: ${r.error}`);
  };
  const send = (arm, req) => clients[arm].request(wire[arm][req], { head: isHead[req] });
  const t0 = process.hrtime.bigint();
  try {
    let warmErrors = 0;
    let req = 0;
    for (let i = 0; i < warm.length; i++) {
      if (i % 2 === 0) req = pickRequest(cum, warmRng);
      const arm = warm[i];
      const r = await send(arm, req);
      if (r.status === 0) {
        warmErrors++;
        note(arm, r);
      }
    }
    const samples = new Array(sched.length);
    for (let seq = 0; seq < sched.length; seq++) {
      if (seq % 2 === 0) req = pickRequest(cum, mixRng);
      const arm = sched[seq];
      const r = await send(arm, req);
      const s = {
        round,
        arm: ARM_NAMES[arm],
        seq,
        latencyNs: r.latencyNs,
        startNs: Number(r.startNs - t0),
        status: r.status
      };
      if (r.status === 0) {
        errors[s.arm]++;
        note(arm, r);
      }
      samples[seq] = s;
      opts.onSample?.(s);
    }
    return {
      samples,
      errors,
      errorMessages: [...messages],
      warmup: { requests: warm.length, errors: warmErrors },
      durationMs: Number(process.hrtime.bigint() - t0) / 1e6
    };
  } finally {
    for (const c of clients) c.close();
  }
}

// src/types.ts
var SAMPLES_HEADER = "round,arm,seq,latency_ns,start_ns,status";

// src/loadgen/csv.ts
function formatSampleRow(s) {
  const start = s.startNs === void 0 ? "" : String(Math.round(s.startNs));
  const status = s.status === void 0 ? "" : String(s.status);
  return `${s.round},${s.arm},${s.seq},${Math.max(1, Math.round(s.latencyNs))},${start},${status}`;
}
function formatSampleRows(samples) {
  let out = "";
  for (const s of samples) out += formatSampleRow(s) + "\n";
  return out;
}

// src/loadgen/config.ts
var LoadgenConfigError = class extends Error {
};
var LOADGEN_DEFAULTS = {
  rounds: 1,
  round: 0,
  warmupPerArm: 100,
  pairs: 1e3,
  connection: "keep-alive",
  requests: [{ method: "GET", path: "/" }],
  timeoutMs: 5e3,
  waitReadyMs: 3e4,
  readyPath: "/"
};
function fail(msg) {
  throw new LoadgenConfigError(`loadgen config: ${msg}`);
}
function isObj(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function int(o, key, min, def) {
  const v = o[key];
  if (v === void 0) {
    if (def === void 0) fail(`'${key}' is required`);
    return def;
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) fail(`'${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}
function endpoint(v, name) {
  if (!isObj(v)) fail(`'targets.${name}' must be an object { host, port }`);
  const host = v.host ?? "127.0.0.1";
  if (typeof host !== "string" || host === "") fail(`'targets.${name}.host' must be a non-empty string`);
  const port = v.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`'targets.${name}.port' must be an integer 1..65535, got ${JSON.stringify(port)}`);
  }
  return { host, port };
}
function requestSpec(v, i) {
  if (!isObj(v)) fail(`'requests[${i}]' must be an object`);
  const method = v.method ?? "GET";
  if (typeof method !== "string" || !/^[A-Za-z]+$/.test(method)) fail(`'requests[${i}].method' must be an HTTP method`);
  const path = v.path;
  if (typeof path !== "string" || !path.startsWith("/") || /\s/.test(path)) fail(`'requests[${i}].path' must start with / and contain no whitespace`);
  const out = { method, path };
  if (v.headers !== void 0) {
    if (!isObj(v.headers) || !Object.values(v.headers).every((h) => typeof h === "string")) {
      fail(`'requests[${i}].headers' must map names to strings`);
    }
    out.headers = v.headers;
  }
  if (v.body !== void 0) {
    if (typeof v.body !== "string") fail(`'requests[${i}].body' must be a string`);
    out.body = v.body;
  }
  if (v.weight !== void 0) {
    if (typeof v.weight !== "number" || !Number.isFinite(v.weight) || v.weight < 0) fail(`'requests[${i}].weight' must be a number >= 0`);
    out.weight = v.weight;
  }
  return out;
}
function countSpec(v) {
  if (!isObj(v)) fail(`'count' must be an object { requests, file }`);
  if (typeof v.file !== "string" || !v.file.startsWith("/")) fail(`'count.file' must be an absolute path`);
  return { requests: int(v, "requests", 1), file: v.file };
}
function parseLoadgenConfig(raw) {
  if (!isObj(raw)) fail("must be a JSON object");
  const d = LOADGEN_DEFAULTS;
  if (!isObj(raw.targets)) fail(`'targets' is required: { baseline: { host, port }, candidate: { host, port } }`);
  const connection = raw.connection ?? d.connection;
  if (connection !== "keep-alive" && connection !== "new") fail(`'connection' must be 'keep-alive' or 'new'`);
  let requests = d.requests;
  if (raw.requests !== void 0) {
    if (!Array.isArray(raw.requests) || raw.requests.length === 0) fail(`'requests' must be a non-empty array`);
    requests = raw.requests.map(requestSpec);
    if (!requests.some((r) => (r.weight ?? 1) > 0)) fail(`'requests' weights sum to 0`);
  }
  const readyPath = raw.readyPath ?? d.readyPath;
  if (typeof readyPath !== "string" || !readyPath.startsWith("/")) fail(`'readyPath' must start with /`);
  if (raw.out !== void 0 && (typeof raw.out !== "string" || raw.out === "")) fail(`'out' must be a file path`);
  if (raw.seed === void 0) fail(`'seed' is required (an integer; it is recorded so the schedule can be reproduced)`);
  if (typeof raw.seed !== "number" || !Number.isInteger(raw.seed)) fail(`'seed' must be an integer`);
  const cfg = {
    rounds: int(raw, "rounds", 1, d.rounds),
    round: int(raw, "round", 0, d.round),
    seed: raw.seed,
    targets: { baseline: endpoint(raw.targets.baseline, "baseline"), candidate: endpoint(raw.targets.candidate, "candidate") },
    warmupPerArm: int(raw, "warmupPerArm", 0, d.warmupPerArm),
    pairs: int(raw, "pairs", 1, d.pairs),
    connection,
    requests,
    timeoutMs: int(raw, "timeoutMs", 1, d.timeoutMs),
    waitReadyMs: int(raw, "waitReadyMs", 0, d.waitReadyMs),
    readyPath
  };
  if (typeof raw.out === "string") cfg.out = raw.out;
  if (raw.count !== void 0) cfg.count = countSpec(raw.count);
  return cfg;
}

// src/loadgen/count-mode.ts
import { existsSync, readFileSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
var COUNT_BEFORE = "counts-before";
var COUNT_AFTER = "counts-after";
var SNAPSHOT_WAIT_MS = 5e3;
var CountModeError = class extends Error {
};
async function snapshot(file) {
  const pidFile = `${file}.pid`;
  if (!existsSync(pidFile)) throw new CountModeError(`no ${pidFile}: the counting preload is not loaded in the SUT (statically linked, or LD_PRELOAD overridden?)`);
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(file, { force: true });
  try {
    process.kill(pid, "SIGUSR2");
  } catch (err) {
    throw new CountModeError(`cannot signal the SUT (pid ${pid}): ${err.code ?? String(err)} (does the pod share its process namespace?)`);
  }
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  while (Date.now() < deadline) {
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (text.split("\n").includes("end")) return text;
    await sleep(10);
  }
  throw new CountModeError(`the counting preload wrote no counts to ${file} within ${SNAPSHOT_WAIT_MS} ms of SIGUSR2 (does the SUT replace the SIGUSR2 handler?)`);
}
async function driveSequential(cfg, requests) {
  const { target } = cfg;
  const keepAlive = cfg.connection === "keep-alive";
  const cum = mixTable(cfg.requests);
  const wire = cfg.requests.map((r) => serializeRequest(r, target, keepAlive));
  const rng = new Prng(deriveSeed(cfg.seed, cfg.round, STREAM.mix));
  const client = new HttpClient(target, { keepAlive, timeoutMs: cfg.timeoutMs });
  try {
    for (let i = 0; i < requests; i++) {
      const req = pickRequest(cum, rng);
      const r = await client.request(wire[req], { head: cfg.requests[req].method.toUpperCase() === "HEAD" });
      if (r.status === 0) throw new CountModeError(`request ${i + 1} of ${requests} failed: ${r.error ?? "error"}`);
    }
  } finally {
    client.close();
  }
}
async function runCountMode(cfg, write) {
  if (!cfg.count) throw new CountModeError(`--count needs 'count' { requests, file } in the config`);
  const { requests, file } = cfg.count;
  const before = await snapshot(file);
  await driveSequential({ ...cfg, target: cfg.targets.candidate }, requests);
  const after = await snapshot(file);
  write(`${COUNT_BEFORE}
${before}${COUNT_AFTER}
${after}requests ${requests}
`);
}

// src/loadgen/run-standalone.ts
var STREAM_BATCH = 64;
function loadConfig(argv, env) {
  let text;
  let from;
  if (argv[0] !== void 0 && argv[0] !== "") {
    from = argv[0];
    try {
      text = readFileSync2(argv[0], "utf8");
    } catch (err) {
      throw new LoadgenConfigError(`loadgen config: cannot read ${argv[0]}: ${err.code ?? String(err)}`);
    }
  } else if (env.LOADGEN_CONFIG !== void 0 && env.LOADGEN_CONFIG.trim() !== "") {
    from = "LOADGEN_CONFIG";
    text = env.LOADGEN_CONFIG;
  } else {
    throw new LoadgenConfigError("loadgen config: set LOADGEN_CONFIG to the JSON config or pass a JSON file path");
  }
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LoadgenConfigError(`loadgen config: ${from} is not valid JSON: ${err.message}`);
  }
  return parseLoadgenConfig(raw);
}
async function waitReady(target, path, waitMs) {
  const deadline = Date.now() + waitMs;
  const buf = serializeRequest({ method: "GET", path }, target, false);
  let last = "no attempt";
  for (; ; ) {
    const left = deadline - Date.now();
    const client = new HttpClient(target, { keepAlive: false, timeoutMs: Math.max(50, Math.min(1e3, left)) });
    const r = await client.request(buf);
    client.close();
    if (r.status >= 200 && r.status < 300) return null;
    last = r.status === 0 ? r.error ?? "error" : `HTTP ${r.status}`;
    if (Date.now() + 50 > deadline) return last;
    await sleep2(50);
  }
}
function writeChunk(w, s) {
  return new Promise((resolve, reject) => {
    w.write(s, (err) => err ? reject(err) : resolve());
  });
}
async function countCalls(cfg, io) {
  const t = cfg.targets.candidate;
  const notReady = await waitReady(t, cfg.readyPath, cfg.waitReadyMs);
  if (notReady !== null) {
    io.stderr.write(`loadgen: target candidate (${t.host}:${t.port}${cfg.readyPath}) not ready after ${cfg.waitReadyMs} ms: ${notReady}
`);
    return 3;
  }
  try {
    await runCountMode(cfg, (s) => io.stdout.write(s));
    return 0;
  } catch (err) {
    io.stderr.write(`loadgen: ${err instanceof CountModeError ? err.message : String(err)}
`);
    return 3;
  }
}
async function runStandalone(argv, env, io = { stdout: process.stdout, stderr: process.stderr }) {
  let cfg;
  const countMode = argv[0] === "--count";
  try {
    cfg = loadConfig(countMode ? argv.slice(1) : argv, env);
  } catch (err) {
    io.stderr.write(`${err instanceof LoadgenConfigError ? err.message : `loadgen config: ${String(err)}`}
`);
    return 2;
  }
  if (countMode) return countCalls(cfg, io);
  if (cfg.waitReadyMs > 0) {
    const arms = ["baseline", "candidate"];
    const results = await Promise.all(arms.map((a) => waitReady(cfg.targets[a], cfg.readyPath, cfg.waitReadyMs)));
    for (let i = 0; i < arms.length; i++) {
      const t = cfg.targets[arms[i]];
      if (results[i] !== null) {
        io.stderr.write(`loadgen: target ${arms[i]} (${t.host}:${t.port}${cfg.readyPath}) not ready after ${cfg.waitReadyMs} ms: ${results[i]}
`);
        return 3;
      }
    }
  }
  let out = io.stdout;
  if (cfg.out !== void 0) {
    try {
      out = createWriteStream(cfg.out, { fd: openSync(cfg.out, "w") });
    } catch (err) {
      io.stderr.write(`loadgen: cannot open output ${cfg.out}: ${err.code ?? String(err)}
`);
      return 3;
    }
    out.on("error", () => {
    });
  }
  let samples = 0;
  let errors = 0;
  try {
    await writeChunk(out, SAMPLES_HEADER + "\n");
    for (let i = 0; i < cfg.rounds; i++) {
      const round = cfg.round + i;
      let batch = [];
      const res = await runRound({
        onSample: (s) => {
          batch.push(s);
          if (batch.length < STREAM_BATCH) return;
          out.write(formatSampleRows(batch));
          batch = [];
        },
        round,
        seed: cfg.seed,
        targets: cfg.targets,
        warmupPerArm: cfg.warmupPerArm,
        pairs: cfg.pairs,
        connection: cfg.connection,
        requests: cfg.requests,
        timeoutMs: cfg.timeoutMs
      });
      samples += res.samples.length;
      errors += res.errors.baseline + res.errors.candidate;
      for (const m of res.errorMessages) io.stderr.write(`loadgen: round ${round}: ${m}
`);
      await writeChunk(out, formatSampleRows(batch));
    }
    if (out !== io.stdout) await new Promise((resolve, reject) => out.end((err) => err ? reject(err) : resolve()));
  } catch (err) {
    io.stderr.write(`loadgen: failed writing output: ${err.code ?? err.message}
`);
    return 3;
  }
  io.stderr.write(`loadgen: done ${samples} samples, ${errors} errors
`);
  return 0;
}

// src/loadgen/standalone.ts
process.exitCode = await runStandalone(process.argv.slice(2), process.env);
