// `meridian control-plane`: the control-plane process that `meridian up` starts. It owns the
// store, the local regions (through the local provider) and the API; routers are separate
// processes that watch its routing table. On start it restores every region to its recorded
// placement and resumes unfinished rollouts.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApiServer } from '../api/server.js';
import { LOCAL_DEFAULTS as L } from '../core/defaults.js';
import { isTerminalRollout } from '../core/domain.js';
import { MeridianError, messageOf } from '../core/errors.js';
import { jsonLogger, type Logger } from '../core/log.js';
import { intFlag, parseFlags, requireFlag } from '../config/flags.js';
import { parseRegionList } from '../config/region-list.js';
import { loadRegionCatalog } from '../config/regions/catalog.js';
import { loadEdgeCatalog } from '../config/regions/edges.js';
import { dashboardFiles } from '../dashboard/assets.js';
import { ensureExampleModels } from '../examples/index.js';
import type { ControlPlane } from '../rollout/control-plane.js';
import { composeLocalControlPlane, type LocalControlPlane } from './compose-local.js';
import { dataPlaneTargets, writePrometheusFiles } from './prometheus-targets.js';

const DEMO_ACTOR = { name: 'meridian up', role: 'admin' as const };

export async function main(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    'seed-demo': { type: 'string' },
    replicas: { type: 'string' },
  });
  const dataDir = requireFlag('data-dir', f['data-dir'], 'the directory for state, logs and artifacts');
  const catalog = loadRegionCatalog();
  const demoRegions = f['seed-demo'] === undefined ? undefined : parseRegionList(f['seed-demo'], catalog, [], 'seed-demo');
  const replicas = intFlag('replicas', f.replicas, L.replicasPerRegion, 1, 16);
  const token = process.env.MERIDIAN_TOKEN;
  if (token === undefined || token.length < 16) throw new MeridianError('USAGE', 'MERIDIAN_TOKEN must hold the admin token (16+ characters); `meridian up` sets it');
  const logger = jsonLogger({ component: 'control-plane' });

  let env: LocalControlPlane | undefined;
  const servers: Server[] = [];
  let stopping = false;
  const shutdown = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'control-plane.stopping', { why });
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await env?.close();
    await env?.provider.close();
    logger.log('info', 'control-plane.stopped', {});
  };
  const done = new Promise<number>((resolve) => {
    const onSignal = (sig: string): void => void shutdown(sig).then(() => resolve(0), () => resolve(1));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });

  try {
    env = await composeLocalControlPlane({ dataDir, logger });
    // Every state change is an event; the log carries them too, for `meridian up`'s progress.
    env.store.events.subscribe((e) => logger.log('info', e.kind, { ...e, event: e.kind, eventId: e.id }));
    await env.store.tokens.ensure(token, 'admin (meridian up)', 'admin', 'meridian up');
    await env.controlPlane.start();
    const api = createApiServer(env.controlPlane, { logger, dashboard: dashboardFiles({ edges: loadEdgeCatalog().all() }) });
    servers.push(api);
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiUrl = urlOf(api);
    // Prometheus service discovery for this environment, kept current as replicas and routers change.
    const promDir = join(dataDir, 'prometheus');
    const local = env;
    const writeTargets = (): void => {
      try {
        writePrometheusFiles(promDir, { apiUrl, token, dataPlane: dataPlaneTargets(local.provider, local.controlPlane.watchingRouters()) });
      } catch (e) {
        logger.log('warn', 'prometheus.targets_failed', { error: messageOf(e) });
      }
    };
    writeTargets();
    local.traffic.subscribe(writeTargets);
    const targetsTimer = setInterval(writeTargets, 5000);
    targetsTimer.unref();
    logger.log('info', 'control-plane.ready', { apiUrl, pid: process.pid, prometheusConfig: join(promDir, 'prometheus.yml') });
    if (demoRegions !== undefined) await seedDemo(env, dataDir, demoRegions, replicas, logger);
  } catch (e) {
    logger.log('error', 'control-plane.failed', { error: messageOf(e) });
    await shutdown('start failed');
    return 1;
  }
  return done;
}

function urlOf(s: Server): string {
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/**
 * The demo `meridian up` shows: push the example iris model (v1 and v2) and deploy iris:v2 to the
 * chosen regions — the same path as `meridian models push` and `meridian deploy`. Skipped for
 * regions that already serve iris (a restart restores them from the store instead).
 */
async function seedDemo(env: LocalControlPlane, dataDir: string, regions: string[], replicas: number, logger: Logger): Promise<void> {
  const cp: ControlPlane = env.controlPlane;
  const { manifest } = await ensureExampleModels(join(dataDir, 'models'));
  for (const key of ['iris-v1', 'iris-v2'] as const) {
    const m = manifest.models[key];
    await cp.pushModel(m.model, m.version, readFileSync(join(dataDir, 'models', m.file)), null, DEMO_ACTOR);
  }
  const placed = new Set((await env.store.rollouts.placements('iris')).map((p) => p.region));
  const missing = regions.filter((r) => !placed.has(r));
  let status = 'succeeded';
  if (missing.length > 0) {
    const r = await cp.deploy('iris', { version: manifest.models['iris-v2'].version, regions: missing, parallel: missing.length, replicas }, DEMO_ACTOR);
    const end = await cp.settled(r.id);
    status = isTerminalRollout(end.status) ? end.status : 'interrupted';
  }
  logger.log('info', 'demo.ready', {
    status,
    regions: regions.map((r) => ({ region: r, replicas: env.provider.status({ region: r, model: 'iris' }).map((x) => ({ zone: x.zone, url: x.url, version: x.version })) })),
  });
}
