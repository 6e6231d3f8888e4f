// Upstreams for the engine tests: real model servers (via test/helpers/servers.ts) and tiny
// node:http servers that misbehave the ways replicas do — hung (SIGSTOPped: accepts, never
// answers), 503, gray (ready but inference fails), refused (a closed port). Each counts hits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoutingEndpoint, RoutingRegion, RoutingTable, RoutingVersion } from '../../../src/core/routing-table.js';
import { ForwardingEngine, type EngineSettings, type ForwardRequest } from '../../../src/router/engine/index.js';
import { Registry } from '../../../src/monitor/prometheus.js';

/** A fake upstream: its URL, hit counts by kind, and close(). */
export interface FakeUpstream {
  url: string;
  hits: { infer: number; ready: number; other: number };
  server: Server;
  close(): Promise<void>;
}

/** Starts a node:http server on port 0 that counts requests and lets `answer` respond (or not). */
export async function fakeUpstream(answer: (req: IncomingMessage, res: ServerResponse, kind: 'infer' | 'ready' | 'other') => void): Promise<FakeUpstream> {
  const hits = { infer: 0, ready: 0, other: 0 };
  const server: Server = createServer((req, res) => {
    const kind = req.url?.endsWith('/infer') === true ? 'infer' : req.url?.endsWith('/ready') === true ? 'ready' : 'other';
    hits[kind]++;
    req.resume();
    answer(req, res, kind);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Accepts every connection and never answers: a SIGSTOPped replica seen from outside. */
export const hungUpstream = (): Promise<FakeUpstream> => fakeUpstream(() => {});

/** Answers 503 to everything, ready probes included: a replica that is shutting down. */
export const unavailableUpstream = (): Promise<FakeUpstream> => fakeUpstream((_q, res) => json(res, 503, { error: 'the server is shutting down; send the request to another replica' }));

/** Ready probes pass, inference answers 500: the gray failure only passive detection sees. */
export const grayUpstream = (): Promise<FakeUpstream> =>
  fakeUpstream((_q, res, kind) => (kind === 'ready' ? json(res, 200, { name: 'iris', ready: true }) : json(res, 500, { error: 'inference failed: CUDA error (fake)' })));

/** A fake upstream that can be frozen and thawed like a SIGSTOPped/SIGCONTed replica, with the arrival time of every inference. */
export interface FreezableUpstream extends FakeUpstream {
  /** performance.now() of each inference request's arrival, frozen or not. */
  inferArrivals: number[];
  /** From now on nothing is answered (connections are still accepted): a hang. */
  freeze(): void;
  /** Answers everything held, then serves normally again. */
  thaw(): void;
}

/** Answers ready probes and inference at once (a fixed iris-like answer) until frozen. */
export async function freezableUpstream(): Promise<FreezableUpstream> {
  let frozen = false;
  const held: (() => void)[] = [];
  const inferArrivals: number[] = [];
  const up = await fakeUpstream((_q, res, kind) => {
    if (kind === 'infer') inferArrivals.push(performance.now());
    const answer = (): void => {
      if (res.destroyed) return;
      if (kind === 'infer') json(res, 200, { model_name: 'iris', model_version: 'v1', outputs: [{ name: 'probabilities', shape: [1, 3], datatype: 'FP32', data: [0.9, 0.05, 0.05] }] });
      else json(res, 200, { name: 'iris', ready: true });
    };
    if (frozen) held.push(answer);
    else answer();
  });
  return {
    ...up,
    inferArrivals,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const a of held.splice(0)) a();
    },
  };
}

/** A freezable upstream that can also crash (connections reset, then refused) and restart on its port, like a SIGKILLed replica restarted. */
export interface CrashableUpstream extends FreezableUpstream {
  crash(): Promise<void>;
  restart(): Promise<void>;
}

export async function crashableUpstream(): Promise<CrashableUpstream> {
  const up = await freezableUpstream();
  const port = Number(new URL(up.url).port);
  return {
    ...up,
    crash: async () => {
      const closed = new Promise<void>((r) => up.server.close(() => r()));
      up.server.closeAllConnections();
      await closed;
    },
    restart: () => new Promise<void>((r) => up.server.listen(port, '127.0.0.1', r)),
    close: async () => {
      if (up.server.listening) await up.close();
    },
  };
}

/** A URL whose port was just closed: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** An endpoint of a region; ids look like the provider's (`region/model:version/n`). */
export function ep(id: string, url: string, zone = 'a'): RoutingEndpoint {
  return { id, zone, url };
}

/** A region with the given versions; coordinates do not matter to the engine. */
export function region(code: string, versions: RoutingVersion[], extra: Partial<RoutingRegion> = {}): RoutingRegion {
  return { region: code, latitude: 0, longitude: 0, jurisdiction: 'EU', country: 'IE', continent: 'EU', versions, ...extra };
}

/** A routing table serving model `iris` from the given regions. */
export function table(regions: RoutingRegion[]): RoutingTable {
  return { revision: 1, generatedAt: new Date().toISOString(), models: { iris: { policy: { type: 'failover', order: regions.map((r) => r.region) }, residency: null, regions } } };
}

/** An engine over a fixed or changing table, its own registry, no emulated delay unless given. */
export function engine(t: RoutingTable | (() => RoutingTable), options: Partial<EngineSettings> = {}, delay: (region: string) => number = () => 0): { engine: ForwardingEngine; registry: Registry } {
  const registry = new Registry();
  return { engine: new ForwardingEngine({ table: typeof t === 'function' ? t : () => t, networkDelayMs: delay, registry, options }), registry };
}

/** One iris row as an OIP inference request body. */
export const IRIS_BODY = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }));

/** An inference request for `iris` along `regionOrder`. */
export function infer(regionOrder: string[], headers: Record<string, string> = {}): ForwardRequest {
  return { model: 'iris', action: 'infer', method: 'POST', body: IRIS_BODY, headers: { 'content-type': 'application/json', ...headers }, regionOrder };
}

/** Milliseconds since `t0` (performance.now()). */
export const since = (t0: number): number => performance.now() - t0;

/** The p-th percentile (0..1) of a list. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
}
