// Closed-loop load generator (Triton perf_analyzer's "concurrency" mode): `concurrency` loops each
// keep exactly one request in flight over their own keep-alive connection. A warm-up phase is
// discarded; only requests that complete inside the measured window count, so throughput is
// completions / window and the latency samples come from the same requests.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** One pre-built request: its body and the headers that describe it (content type; for binary
 *  tensor data also Inference-Header-Content-Length). */
export interface RequestBody {
  bytes: Buffer;
  headers: Readonly<Record<string, string>>;
}

/** One reply kept whole, to check that the server answered what we think it answered. */
export interface SampleReply {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface LoadOptions {
  port: number;
  method: 'GET' | 'POST';
  path: string;
  /** Request bodies used round-robin (pre-serialised, so the client does no JSON work per request). */
  bodies: readonly RequestBody[];
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Runs when the measured window opens and when it closes (e.g. to snapshot server metrics). */
  onWindowStart?: () => Promise<void>;
  onWindowEnd?: () => Promise<void>;
}

export interface LoadResult {
  /** Requests answered 200 inside the measured window. */
  completed: number;
  /** Non-200 answers and transport errors inside the window. */
  failed: number;
  firstError?: string;
  latenciesMs: number[];
  windowMs: number;
  /** One 200 reply, kept whole. */
  sample?: SampleReply;
}

interface Reply {
  status: number;
  reply?: SampleReply;
}

function send(agent: Agent, o: LoadOptions, body: RequestBody | undefined, keepBody: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { ...body.headers, 'content-length': body.bytes.length };
    const req = request({ agent, host: '127.0.0.1', port: o.port, method: o.method, path: o.path, headers }, (res) => {
      const status = res.statusCode ?? 0;
      // Only keep bytes we will look at: parsing every reply would bill the client's CPU to the server.
      if (!keepBody && status === 200) {
        res.resume();
        res.once('end', () => resolve({ status }));
      } else {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => resolve({ status, reply: { headers: res.headers, body: Buffer.concat(chunks) } }));
      }
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body?.bytes);
  });
}

export async function runClosedLoop(o: LoadOptions): Promise<LoadResult> {
  // maxSockets = concurrency: every loop gets its own connection, none waits inside the agent.
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  let sample: SampleReply | undefined;
  let next = 0;
  const t0 = performance.now();
  const windowStart = t0 + o.warmupMs;
  const windowEnd = windowStart + o.measureMs;
  let startHook: Promise<void> | undefined;
  let endHook: Promise<void> | undefined;
  // A hook's failure surfaces when the run ends, not as an unhandled rejection mid-run.
  const hook = (fn: (() => Promise<void>) | undefined): Promise<void> => {
    const p = fn?.() ?? Promise.resolve();
    p.catch(() => {});
    return p;
  };
  // Each edge fires once: from its timer, or when the loops finish first (timers can fire late).
  const openWindow = (): void => {
    startHook ??= hook(o.onWindowStart);
  };
  const closeWindow = (): void => {
    if (endHook !== undefined) return;
    openWindow();
    endHook = hook(o.onWindowEnd);
  };
  const startTimer = setTimeout(openWindow, o.warmupMs);
  const endTimer = setTimeout(closeWindow, o.warmupMs + o.measureMs);

  const loop = async (): Promise<void> => {
    while (performance.now() < windowEnd) {
      const body = o.bodies.length > 0 ? o.bodies[next++ % o.bodies.length] : undefined;
      const started = performance.now();
      let reply: Reply | undefined;
      let error: string | undefined;
      try {
        reply = await send(agent, o, body, sample === undefined);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const done = performance.now();
      if (reply?.status === 200 && reply.reply !== undefined) sample ??= reply.reply;
      if (done < windowStart || done > windowEnd) continue;
      if (reply?.status === 200) {
        completed++;
        latenciesMs.push(done - started);
      } else {
        failed++;
        firstError ??= error ?? `HTTP ${reply?.status}: ${reply?.reply?.body.toString('utf8', 0, 200)}`;
        // A failing server answers fast; do not spin on it.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, loop));
    closeWindow();
    await Promise.all([startHook, endHook]);
  } finally {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    agent.destroy();
  }
  return {
    completed,
    failed,
    ...(firstError !== undefined ? { firstError } : {}),
    latenciesMs,
    windowMs: o.measureMs,
    ...(sample !== undefined ? { sample } : {}),
  };
}
