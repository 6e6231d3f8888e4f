// Open-loop load for bench:safety: request i is due at i / rps seconds after the start, whatever
// happened to earlier ones (no coordinated omission), one realistic iris row per request
// (drawIrisRows: the bad candidates' triggers only fire on realistic rows), through the router. A
// concurrency limit bounds what a stall can pile up: a request due while `maxInFlight` are still
// open is not sent and is recorded as `skipped` (a client-side drop, reported, never hidden). It
// runs for a whole strategy's environment; each run reads its own slice of the records afterwards.
// Times are epoch ms (Date.now), the clock the control plane stamps its events with.
import { Agent, request, type IncomingMessage } from 'node:http';
import type { IrisRequestRow } from '../../src/examples/index.js';

export interface LoadRecord {
  seq: number;
  /** When it was due (epoch ms). */
  dueAt: number;
  /** When it was handed to the socket layer (epoch ms). */
  sentAt: number;
  /** When the whole response had arrived or the request failed (epoch ms); NaN while in flight. */
  doneAt: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The `Meridian-Model-Version` header: the version that answered (also on error answers); null without one. */
  version: string | null;
  /** Client-side failure: `timeout`, `skipped` (concurrency limit), or a socket error code. */
  error?: string;
}

export interface LoadOptions {
  url: string;
  rps: number;
  maxInFlight: number;
  timeoutMs: number;
  rows: readonly IrisRequestRow[];
}

export interface LoadRun {
  readonly records: LoadRecord[];
  inFlight(): number;
  /** Resolves once every request sent at or before `t` (epoch ms) has finished, or after `maxWaitMs`. */
  settled(t: number, maxWaitMs: number): Promise<boolean>;
  /** Stops sending, waits for the requests in flight (they time out at timeoutMs at worst), closes the sockets. */
  stop(): Promise<void>;
}

export function isOk(r: LoadRecord): boolean {
  return r.error === undefined && r.status >= 200 && r.status < 300;
}

export function bodyOf(row: IrisRequestRow): Buffer {
  return Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: row.features }] }));
}

export function startLoad(o: LoadOptions): LoadRun {
  const url = new URL(o.url);
  const bodies = o.rows.map(bodyOf);
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxInFlight, maxFreeSockets: o.maxInFlight, scheduling: 'lifo' });
  const records: LoadRecord[] = [];
  const t0 = Date.now();
  const intervalMs = 1000 / o.rps;
  let next = 0;
  let open = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let idle: (() => void) | undefined;

  const send = (seq: number, dueAt: number): void => {
    const rec: LoadRecord = { seq, dueAt, sentAt: Date.now(), doneAt: Number.NaN, status: 0, version: null };
    records.push(rec);
    if (open >= o.maxInFlight) {
      rec.doneAt = rec.sentAt;
      rec.error = 'skipped';
      return;
    }
    open++;
    const body = bodies[seq % bodies.length]!;
    let done = false;
    const finish = (status: number, version: string | null, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(t);
      rec.doneAt = Date.now();
      rec.status = status;
      rec.version = version;
      if (error !== undefined) rec.error = error;
      open--;
      if (open === 0) idle?.();
    };
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res: IncomingMessage) => {
      const v = res.headers['meridian-model-version'];
      const version = typeof v === 'string' && v !== '' ? v : null;
      const status = res.statusCode ?? 0;
      res.resume();
      res.once('end', () => finish(status, version));
      res.once('error', (e) => finish(status, version, (e as { code?: string }).code ?? e.name));
      res.once('close', () => {
        if (!res.complete) finish(status, version, 'ECONNRESET');
      });
    });
    const t = setTimeout(() => {
      finish(0, null, 'timeout');
      req.destroy();
    }, o.timeoutMs);
    req.once('error', (e) => finish(0, null, (e as { code?: string }).code ?? e.name));
    req.end(body);
  };

  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = Date.now();
    while (t0 + next * intervalMs <= now) {
      send(next, t0 + next * intervalMs);
      next++;
    }
    timer = setTimeout(tick, Math.max(0, t0 + next * intervalMs - Date.now()));
  };
  tick();

  return {
    records,
    inFlight: () => open,
    async settled(t, maxWaitMs) {
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        // Newest first: anything sent more than a timeout ago has finished.
        let pending = false;
        for (let i = records.length - 1; i >= 0; i--) {
          const r = records[i]!;
          if (r.sentAt < t - o.timeoutMs - 1000) break;
          if (r.sentAt <= t && Number.isNaN(r.doneAt)) {
            pending = true;
            break;
          }
        }
        if (!pending) return true;
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      if (open > 0) await new Promise<void>((r) => (idle = r));
      agent.destroy();
    },
  };
}
