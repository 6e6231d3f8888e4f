// Prometheus for the local environment: `meridian up` keeps file-based service discovery files
// (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config)
// current under <data-dir>/prometheus/, next to a ready prometheus.yml and the token file the
// control-plane job authenticates with. Model servers come and go with rollouts and their ports
// are chosen at start, so a static list would be wrong within minutes.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComputeProvider } from '../providers/compute-provider.js';

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const hostPort = (url: string): string => new URL(url).host;

/** The data plane's scrape targets: every running model server and every router. */
export function dataPlaneTargets(provider: ComputeProvider, routers: { url: string; edge: string }[]): TargetGroup[] {
  const groups: TargetGroup[] = provider
    .status()
    .filter((r) => r.phase === 'running' || r.phase === 'frozen')
    .map((r) => ({ targets: [hostPort(r.url)], labels: { job: 'meridian-model-server', region: r.region, zone: r.zone, model: r.model, version: r.version, replica: r.id } }));
  for (const r of routers) groups.push({ targets: [hostPort(r.url)], labels: { job: 'meridian-router', edge: r.edge } });
  return groups;
}

/** A scrape configuration for the files above; paths are relative to the file itself. */
export const PROMETHEUS_YML = `# Written by \`meridian up\`: prometheus --config.file=<this file>
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: meridian-control-plane
    metrics_path: /api/v1/metrics
    authorization:
      type: Bearer
      credentials_file: token
    file_sd_configs:
      - files: [control-plane.json]
  - job_name: meridian-data-plane
    file_sd_configs:
      - files: [data-plane.json]
`;

/** Writes (atomically) the config, the token file and both target files into `dir`. */
export function writePrometheusFiles(dir: string, o: { apiUrl: string; token: string; dataPlane: TargetGroup[] }): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string, mode = 0o644): void => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, text, { mode });
    renameSync(tmp, join(dir, name));
  };
  write('prometheus.yml', PROMETHEUS_YML);
  write('token', o.token, 0o600);
  write('control-plane.json', JSON.stringify([{ targets: [hostPort(o.apiUrl)], labels: { job: 'meridian-control-plane' } }], null, 2));
  write('data-plane.json', JSON.stringify(o.dataPlane, null, 2));
}
