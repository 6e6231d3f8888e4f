// `meridian router`: a global router at one edge. Composition root: routing table from the
// control plane (watched, kept on disk), the forwarding engine, network-distance emulation.
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MeridianError, messageOf } from '../core/errors.js';
import { parseLatLon } from '../core/geo.js';
import { jsonLogger } from '../core/log.js';
import type { LatLon } from '../core/regions.js';
import { EMPTY_ROUTING_TABLE, type RoutingTable } from '../core/routing-table.js';
import { intFlag, parseFlags } from '../config/flags.js';
import { loadRegionCatalog } from '../config/regions/catalog.js';
import { requireEdge } from '../config/regions/edges.js';
import { Registry } from '../monitor/prometheus.js';
import { createNetworkEmulator } from '../providers/local/network-emulation.js';
import { ForwardingEngine } from '../router/engine/index.js';
import { createRouterServer } from '../router/router-server.js';
import { RoutingTableSource } from '../router/table-source.js';
import { TrafficStats } from '../router/traffic-stats.js';
import { meridianHome, resolveApiTarget } from '../cli/client-config.js';
import { LOCAL_DEFAULTS as L, SERVING_DEFAULTS } from '../core/defaults.js';

const HELP = `Usage: meridian router [--edge NAME | --location LAT,LON] [--port P] [options]

Serves the Open Inference Protocol for every deployed model and forwards each request to a
region chosen by the model's routing policy, with health checks, retries and failover. Gets its
routing table from the control plane (MERIDIAN_API_URL / MERIDIAN_TOKEN or $MERIDIAN_HOME/config.json)
and keeps serving the last one if the control plane goes away.

Options:
  --edge NAME              a named edge location (e.g. new-york, frankfurt, singapore); default ${L.edge}
  --location LAT,LON       or an explicit location
  --host H / --port P      listen address (default 127.0.0.1:0 — a free port)
  --state-file FILE        where the last routing table is kept (default $MERIDIAN_HOME/router-<port>.json)
  --no-latency-emulation   no emulated network delay to regions (raw performance runs)`;

export async function main(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, {
    edge: { type: 'string' },
    location: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'state-file': { type: 'string' },
    'no-latency-emulation': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (f.help === true) {
    console.log(HELP);
    return 0;
  }
  if (f.edge !== undefined && f.location !== undefined) throw new MeridianError('USAGE', 'give --edge or --location, not both');
  const edgeName = f.location === undefined ? requireEdge(f.edge ?? L.edge).name : 'custom';
  const edge: LatLon = f.location !== undefined ? parseLatLon(f.location, '--location') : requireEdge(edgeName);
  const port = intFlag('port', f.port, 0, 0, 65535);
  const target = resolveApiTarget();
  const catalog = loadRegionCatalog();
  const emulator = createNetworkEmulator({ enabled: f['no-latency-emulation'] !== true, catalog });
  const logger = jsonLogger({ component: 'router', edge: edgeName });
  const registry = new Registry();
  // The source needs the router's own URL to announce itself, so the server listens first; it
  // answers 503 (no table yet) until the first table arrives — or serves the one kept on disk.
  const ref: { source?: RoutingTableSource } = {};
  const table = (): RoutingTable => ref.source?.current() ?? EMPTY_ROUTING_TABLE;
  const engine = new ForwardingEngine({ table, networkDelayMs: (region) => emulator.oneWayDelayMs(edge, region), registry });
  const server = createRouterServer({ edge, table, engine, registry, maxBodyBytes: SERVING_DEFAULTS.maxBodyBytes, connected: () => ref.source?.connected ?? false, stats: new TrafficStats(), logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, f.host ?? '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;
  const source = new RoutingTableSource({
    apiUrl: target.url,
    token: target.token,
    stateFile: f['state-file'] ?? join(meridianHome(), `router-${edgeName}.json`),
    logger,
    minBackoffMs: 100,
    maxBackoffMs: 2000,
    announce: { url, edge: edgeName },
  });
  ref.source = source;
  source.start();
  engine.start();
  logger.log('info', 'router.ready', { url, port: actualPort, edge: edgeName, latitude: edge.latitude, longitude: edge.longitude, latencyEmulation: emulator.enabled, pid: process.pid, tableRevision: source.current().revision });

  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.log('info', 'router.stopping', { signal });
      server.closeIdleConnections();
      server.close();
      Promise.all([source.stop(), engine.stop()]).then(
        () => resolve(0),
        (e: unknown) => {
          logger.log('error', 'router.stop_failed', { error: messageOf(e) });
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
