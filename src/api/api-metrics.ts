// The API's own request metrics, labelled by route template (never by raw path: ids would make
// series without bound), served with the control plane's at GET /api/v1/metrics.
import type { Histogram} from '../monitor/prometheus.js';
import { LATENCY_BUCKETS_SECONDS, Registry } from '../monitor/prometheus.js';

export interface ApiMetrics {
  record(method: string, route: string, status: number, seconds: number): void;
  render(): string;
}

export function apiMetrics(): ApiMetrics {
  const registry = new Registry();
  const requests = registry.counter('meridian_api_requests_total', 'Control-plane API requests by method, route template and status.');
  const duration: Histogram = registry.histogram('meridian_api_request_duration_seconds', 'Control-plane API request duration (event streams: until the stream ended).', LATENCY_BUCKETS_SECONDS);
  return {
    record(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    render: () => registry.render(),
  };
}
