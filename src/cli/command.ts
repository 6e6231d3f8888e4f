// Small pieces every command uses: the API client from the resolved config, and JSON output.
import { ApiClient } from './api-client.js';
import { resolveApiTarget } from './client-config.js';

/** The client for the configured control plane; call it only after local validation passed. */
export function apiClient(env: NodeJS.ProcessEnv = process.env): ApiClient {
  return new ApiClient(resolveApiTarget(env));
}

/** `--output json`: pretty-printed, so people can read it and jq can parse it. */
export function printJson(v: unknown): void {
  console.log(JSON.stringify(v, null, 2));
}
