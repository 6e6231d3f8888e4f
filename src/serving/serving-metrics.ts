// The model server's Prometheus metrics. Names mirror Triton's (nv_inference_*) in Prometheus
// style: base units in the name, _total on counters.
import { LATENCY_BUCKETS_SECONDS, Registry } from '../monitor/prometheus.js';

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;

export function createServingMetrics(registry = new Registry()) {
  return {
    registry,
    requests: registry.counter('meridian_inference_requests_total', 'Inference requests by model, version and outcome (status: HTTP status code).'),
    requestDuration: registry.histogram('meridian_inference_request_duration_seconds', 'Time from request received to response ready, successful inferences.', LATENCY_BUCKETS_SECONDS),
    queueDuration: registry.histogram('meridian_inference_queue_duration_seconds', 'Time a request waited for a batch and a free worker.', LATENCY_BUCKETS_SECONDS),
    computeDuration: registry.histogram('meridian_inference_compute_duration_seconds', 'onnxruntime execution time per batch.', LATENCY_BUCKETS_SECONDS),
    batchSize: registry.histogram('meridian_inference_batch_size', 'Rows per executed batch.', BATCH_BUCKETS),
    executions: registry.counter('meridian_inference_executions_total', 'Batches executed (one execution serves one or more requests).'),
    inFlight: registry.gauge('meridian_inference_in_flight_requests', 'Inference requests being processed now.'),
    ready: registry.gauge('meridian_model_ready', '1 when the model is loaded and warmed up, else 0.'),
  };
}

export type ServingMetrics = ReturnType<typeof createServingMetrics>;
