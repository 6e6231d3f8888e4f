// Where load goes: the router's URL (flag, environment, or the client config `meridian up`
// wrote) and the model's metadata, fetched from the router itself so the body matches what the
// serving regions expect.
import { MeridianError } from '../../core/errors.js';
import { readClientConfig } from '../client-config.js';
import { parseModelMetadata, type ModelMetadata } from './inference-body.js';

/** Metadata is one small request; a router that takes longer is not going to take load either. */
const METADATA_TIMEOUT_MS = 10_000;

/**
 * The router base URL without a trailing slash: `--router` beats MERIDIAN_ROUTER_URL, which beats
 * `routerUrl` in $MERIDIAN_HOME/config.json.
 * @throws MeridianError `USAGE` for a URL that is not http(s); `CLIENT_NOT_CONFIGURED` when none is known.
 */
export function resolveRouterUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let fromConfig: string | undefined;
  try {
    fromConfig = readClientConfig(env)?.routerUrl;
  } catch {
    // An unreadable config only matters if nothing else names the router; said below.
  }
  const raw = [flag, env.MERIDIAN_ROUTER_URL, fromConfig].map((s) => s?.trim()).find((s) => s !== undefined && s !== '');
  if (raw === undefined) throw new MeridianError('CLIENT_NOT_CONFIGURED', 'no router URL: pass --router URL, set MERIDIAN_ROUTER_URL, or run `meridian up` (it records the router in the client config)');
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new MeridianError('USAGE', `--router: "${raw}" is not an http(s) URL; write it like http://127.0.0.1:8080`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * `GET {router}/v2/models/{model}`.
 * @throws MeridianError `UNAVAILABLE` when the router cannot be reached (exit 1), `USAGE` when it
 *         does not know the model (exit 2), `MODEL_NOT_READY` for any other refusal (exit 1).
 */
export async function fetchModelMetadata(router: string, model: string): Promise<ModelMetadata> {
  let res: Response;
  try {
    res = await fetch(`${router}/v2/models/${encodeURIComponent(model)}`, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    const why = e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time' : ((cause as { code?: string }).code ?? (cause instanceof Error ? cause.message : String(cause)));
    throw new MeridianError('UNAVAILABLE', `cannot reach the router at ${router} (${why}); is it running? \`meridian up\` starts one locally, or pass --router URL`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: unknown } | undefined)?.error;
  const said = typeof error === 'string' ? error : `HTTP ${res.status}`;
  if (res.status === 404) throw new MeridianError('USAGE', `--model: the router does not serve "${model}": ${said}`);
  if (!res.ok) throw new MeridianError('MODEL_NOT_READY', `the router refused the metadata request for "${model}": ${said}`);
  return parseModelMetadata(body, model);
}
