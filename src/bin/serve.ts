// `meridian serve`: one model server process. Composition root: picks the JSON logger and the
// options; SIGTERM/SIGINT drain in-flight requests and exit 0.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SERVING_DEFAULTS as D } from '../core/defaults.js';
import { MeridianError, messageOf } from '../core/errors.js';
import { jsonLogger } from '../core/log.js';
import { checkName } from '../core/names.js';
import { intFlag, numberFlag, parseFlags, requireFlag } from '../config/flags.js';
import { ModelServer } from '../serving/model-server.js';

const HELP = `Usage: meridian serve --model FILE.onnx --name NAME [options]

Serves one ONNX model over the Open Inference Protocol v2 REST API.

Options:
  --model FILE            ONNX model file (required)
  --name NAME             model name in URLs: /v2/models/NAME (required)
  --version V             model version (default: 1)
  --host H                address to listen on (default: 127.0.0.1)
  --port P                port; 0 picks a free one (default: 8000)
  --workers N             inference worker threads (default: ${D.workers})
  --intra-op-threads N    onnxruntime threads inside each worker (default: ${D.intraOpThreads})
  --no-batching           run every request alone (dynamic batching is on by default)
  --max-batch-size N      rows per merged batch (default: ${D.maxBatchSize})
  --max-queue-delay-ms MS how long a request may wait for others to batch with (default: ${D.maxQueueDelayMs})
  --max-body-bytes N      largest request body accepted, else 413 (default: ${D.maxBodyBytes})
  --label K=V             extra field in every log line (repeatable; e.g. region=us-east-1)

Logs are JSON lines on stdout; the line with "event":"server.ready" carries the port.`;

export async function main(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, {
    model: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    workers: { type: 'string' },
    'intra-op-threads': { type: 'string' },
    'no-batching': { type: 'boolean' },
    'max-batch-size': { type: 'string' },
    'max-queue-delay-ms': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    label: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (f.help === true) {
    console.log(HELP);
    return 0;
  }
  const modelPath = resolve(requireFlag('model', f.model, 'give the ONNX file to serve, e.g. --model models/iris-v2.onnx'));
  if (!existsSync(modelPath)) throw new MeridianError('USAGE', `--model: file "${modelPath}" does not exist`);
  const name = requireFlag('name', f.name, 'give the name clients use in /v2/models/NAME, e.g. --name iris');
  // The same rule as the registry's (core/names.ts): a server started by hand can later be registered.
  checkName('--name', name);
  const version = checkName('--version', f.version ?? '1');
  const labels: Record<string, string> = {};
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new MeridianError('USAGE', `--label: "${l}" is not KEY=VALUE`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const logger = jsonLogger({ component: 'model-server', model: name, ...labels });
  const server = await ModelServer.start({
    modelPath,
    name,
    version,
    host: f.host ?? '127.0.0.1',
    port: intFlag('port', f.port, 8000, 0, 65535),
    workers: intFlag('workers', f.workers, D.workers, 1, 64),
    intraOpThreads: intFlag('intra-op-threads', f['intra-op-threads'], D.intraOpThreads, 1, 64),
    batching: {
      enabled: f['no-batching'] !== true,
      maxBatchSize: intFlag('max-batch-size', f['max-batch-size'], D.maxBatchSize, 1, 4096),
      maxQueueDelayMs: numberFlag('max-queue-delay-ms', f['max-queue-delay-ms'], D.maxQueueDelayMs, 0, 10_000),
      maxQueuedRequests: D.maxQueuedRequests,
    },
    maxBodyBytes: intFlag('max-body-bytes', f['max-body-bytes'], D.maxBodyBytes, 1024, 2 ** 31),
    drainTimeoutMs: D.drainTimeoutMs,
    logger,
  });
  logger.log('info', 'server.ready', { port: server.port, url: server.url, pid: process.pid, version });

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.log('info', 'server.draining', { signal });
      server.drain().then(
        () => {
          logger.log('info', 'server.stopped', {});
          resolveExit(0);
        },
        (e: unknown) => {
          logger.log('error', 'server.drain_failed', { error: messageOf(e) });
          resolveExit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
