// Reads the model server's Prometheus /metrics and turns two snapshots into per-window figures:
// mean batch size, batches executed, mean compute / queue / request time. Snapshots are taken at
// the start and end of the measured window so warm-up traffic does not count.
import { get } from 'node:http';

/** Sum of every sample of each metric name (over all label sets), e.g. "x_sum" → 12.5. */
export type MetricTotals = Map<string, number>;

export function scrape(port: number): Promise<MetricTotals> {
  return new Promise((resolve, reject) => {
    // No agent: a fresh connection, so the scrape never waits behind the load generator's sockets.
    const req = get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET /metrics answered ${res.statusCode}`));
        else resolve(parseTotals(Buffer.concat(chunks).toString('utf8')));
      });
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

export function parseTotals(text: string): MetricTotals {
  const totals: MetricTotals = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})?\s+(\S+)$/.exec(line);
    if (m === null) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value)) totals.set(m[1]!, (totals.get(m[1]!) ?? 0) + value);
  }
  return totals;
}

export interface WindowMetrics {
  batches: number;
  meanBatchSize: number;
  meanComputeMs: number;
  meanQueueMs: number;
  meanRequestMs: number;
}

export function windowMetrics(before: MetricTotals, after: MetricTotals): WindowMetrics {
  const d = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const batches = d('meridian_inference_batch_size_count');
  const requests = d('meridian_inference_request_duration_seconds_count');
  return {
    batches,
    meanBatchSize: d('meridian_inference_batch_size_sum') / batches,
    meanComputeMs: (d('meridian_inference_compute_duration_seconds_sum') / d('meridian_inference_compute_duration_seconds_count')) * 1000,
    meanQueueMs: (d('meridian_inference_queue_duration_seconds_sum') / d('meridian_inference_queue_duration_seconds_count')) * 1000,
    meanRequestMs: (d('meridian_inference_request_duration_seconds_sum') / requests) * 1000,
  };
}
