// `meridian control-plane`: the control-plane process that `meridian up` starts. Composition root
// for the local environment: region catalog, local provider, artifact stores, the router
// placeholder. For now it deploys the demo model to every region at start; the rollout issue
// replaces that with the durable API-driven reconciler.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegionArtifactStore } from '../artifacts/region-store.js';
import { LOCAL_DEFAULTS as L, SERVING_DEFAULTS } from '../core/defaults.js';
import { MeridianError, messageOf } from '../core/errors.js';
import { sendJson } from '../core/http.js';
import { jsonLogger } from '../core/log.js';
import { intFlag, parseFlags, requireFlag } from '../config/flags.js';
import { parseRegionList } from '../config/region-list.js';
import { loadRegionCatalog } from '../config/regions/catalog.js';
import { requireEdge } from '../config/regions/edges.js';
import { ensureExampleModels } from '../examples/index.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import { createNetworkEmulator } from '../providers/local/network-emulation.js';
import { createPlaceholderRouter, type RouteEndpoint } from '../router/placeholder-router.js';

const DEMO = { model: 'iris', key: 'iris-v2' } as const;

export async function main(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    regions: { type: 'string' },
    replicas: { type: 'string' },
    edge: { type: 'string' },
    'no-latency-emulation': { type: 'boolean' },
  });
  const dataDir = requireFlag('data-dir', f['data-dir'], 'the directory for state, logs and artifacts');
  const catalog = loadRegionCatalog();
  const regions = parseRegionList(f.regions ?? L.regions.join(','), catalog);
  const replicas = intFlag('replicas', f.replicas, L.replicasPerRegion, 1, 16);
  const edge = requireEdge(f.edge ?? L.edge);
  const token = process.env.MERIDIAN_TOKEN;
  if (token === undefined || token.length < 16) throw new MeridianError('USAGE', 'MERIDIAN_TOKEN must hold the admin token (16+ characters); `meridian up` sets it');
  const logger = jsonLogger({ component: 'control-plane' });

  const provider = new LocalProvider({
    dataDir,
    command: [process.execPath, fileURLToPath(new URL('./meridian.js', import.meta.url))],
    region: (c) => catalog.require(c),
    workersPerReplica: L.workersPerReplica,
    readyTimeoutMs: L.replicaReadyTimeoutMs,
    stopTimeoutMs: L.replicaStopTimeoutMs,
  });
  const emulator = createNetworkEmulator({ enabled: f['no-latency-emulation'] !== true, catalog });
  const endpoints = (): RouteEndpoint[] => provider.status().filter((r) => r.phase === 'running').map((r) => ({ region: r.region, model: r.model, version: r.version, url: r.url }));

  let stopping = false;
  const servers: Server[] = [];
  const shutdown = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'control-plane.stopping', { why });
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await provider.close();
    logger.log('info', 'control-plane.stopped', {});
  };
  const done = new Promise<number>((resolve) => {
    const onSignal = (sig: string): void => void shutdown(sig).then(() => resolve(0), () => resolve(1));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });

  try {
    const { manifest } = await ensureExampleModels(join(dataDir, 'models'));
    const demo = manifest.models[DEMO.key];
    await Promise.all(
      regions.map(async (region) => {
        const started = performance.now();
        logger.log('info', 'region.replicating', { region, model: DEMO.model, version: demo.version, digest: demo.sha256 });
        const store = new RegionArtifactStore(join(dataDir, 'regions', region, 'artifacts'));
        const artifact = await store.put(join(dataDir, 'models', demo.file), demo.sha256, { maxAttempts: L.artifactCopyAttempts });
        logger.log('info', 'region.provisioning', { region, model: DEMO.model, version: demo.version, replicas });
        const rs = await provider.provision({ region, model: DEMO.model, version: demo.version, artifactPath: artifact, replicas });
        logger.log('info', 'region.ready', { region, ms: Math.round(performance.now() - started), replicas: rs.map((r) => ({ zone: r.zone, url: r.url })) });
      }),
    );
    const api = await listen(apiHandler(token, () => ({ regions, replicas: provider.status() })));
    const router = await listen(createPlaceholderRouter({ edge, endpoints, emulator, maxBodyBytes: SERVING_DEFAULTS.maxBodyBytes }));
    servers.push(api, router);
    logger.log('info', 'control-plane.ready', {
      apiUrl: urlOf(api),
      routerUrl: urlOf(router),
      edge: edge.name,
      latencyEmulation: emulator.enabled,
      regions: regions.map((r) => ({ region: r, oneWayDelayMs: Math.round(emulator.oneWayDelayMs(edge, r) * 10) / 10, replicas: provider.status({ region: r }).map((x) => ({ zone: x.zone, url: x.url })) })),
    });
  } catch (e) {
    logger.log('error', 'control-plane.failed', { error: messageOf(e) });
    await shutdown('start failed');
    return 1;
  }
  return done;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Promise<Server> {
  const server = createServer((req, res) => void handler(req, res));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function urlOf(s: Server): string {
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** The control plane's API, minimal until the rollout issue: health and what runs where. */
function apiHandler(token: string, state: () => unknown) {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url === '/healthz') return sendJson(res, 200, { ok: true });
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return sendJson(res, 401, { error: 'missing or invalid bearer token; use the token in $MERIDIAN_HOME/config.json' });
    }
    if (req.url === '/api/v1/status') return sendJson(res, 200, state());
    sendJson(res, 404, { error: `no API endpoint at ${req.url ?? '/'}` });
  };
}
