// The engine's Prometheus metrics. Names carry their unit and `_total` only on counters, so
// `promtool check metrics` accepts them; labels stay low-cardinality (model, region, version,
// endpoint id, a small set of reasons).
import { LATENCY_BUCKETS_SECONDS, type Counter, type Gauge, type Histogram, type Registry } from '../../monitor/prometheus.js';

/** The metrics one engine registers. */
export interface EngineMetrics {
  /** Client requests by model, region, version, action and status. */
  requests: Counter;
  /** End-to-end inference latency (retries and hedges included) by model, region, version. */
  requestDuration: Histogram;
  /** Upstream attempts by model, region, version, role and result (ok, http_5xx, refused, reset, timeout, …). */
  attempts: Counter;
  /** Retries by model, region (the one that failed) and reason. */
  retries: Counter;
  /** Hedges by model, region (the slow one) and reason. */
  hedges: Counter;
  /** Passive ejections by model, region, version. */
  ejections: Counter;
  /** Active-check health per endpoint: 1 up, 0 down. */
  endpointHealthy: Gauge;
  /** Retries or hedges refused because the retry budget was spent, by model and role. */
  budgetExhausted: Counter;
  /** Mirror copies by model, region, version and result. */
  mirrors: Counter;
  /** Requests refused at once (503 OVERLOADED) because the router's event loop was too far behind, by model. */
  shed: Counter;
}

/** Registers the engine's metrics; a registry holds one engine's set. */
export function createEngineMetrics(registry: Registry): EngineMetrics {
  return {
    requests: registry.counter('meridian_router_requests_total', 'Requests forwarded by the router, by model, region, version, action and status.'),
    requestDuration: registry.histogram(
      'meridian_router_request_duration_seconds',
      'Inference latency seen by the router, retries, hedges and emulated network delay included.',
      LATENCY_BUCKETS_SECONDS,
    ),
    attempts: registry.counter('meridian_router_upstream_attempts_total', 'Upstream attempts by model, region, version, role and result.'),
    retries: registry.counter('meridian_router_retries_total', 'Retries by model, failed region and reason (refused, reset, timeout, http_5xx, network; slow: moved off a region gone silent).'),
    hedges: registry.counter('meridian_router_hedges_total', 'Hedged attempts by model, slow region and reason.'),
    ejections: registry.counter('meridian_router_outlier_ejections_total', 'Endpoints ejected by passive outlier detection.'),
    endpointHealthy: registry.gauge('meridian_router_endpoint_healthy', 'Active health check state per endpoint: 1 healthy, 0 down.'),
    budgetExhausted: registry.counter('meridian_router_retry_budget_exhausted_total', 'Retries or hedges not sent because the retry budget was spent.'),
    mirrors: registry.counter('meridian_router_mirror_requests_total', 'Copies sent to a mirror version, by model, region, version and result.'),
    shed: registry.counter('meridian_router_shed_requests_total', 'Requests refused with 503 because the router itself was overloaded (event loop behind), by model.'),
  };
}
