// The client config, like kubectl's kubeconfig: where the control plane is and the token to use.
// `meridian up` writes it; later commands read it. Lives in $MERIDIAN_HOME (default ~/.meridian).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MeridianError } from '../core/errors.js';

export interface ClientConfig {
  apiUrl: string;
  routerUrl?: string;
  token: string;
  /** The local environment this config points at (written by `meridian up`). */
  local?: { dataDir: string; controlPlanePid: number; regions: string[]; routerPid?: number };
}

export function meridianHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MERIDIAN_HOME ?? join(homedir(), '.meridian');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(meridianHome(env), 'config.json');
}

export function readClientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig | undefined {
  const p = configPath(env);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as ClientConfig;
}

/** Written atomically and readable only by the user: it holds an admin token. */
export function writeClientConfig(c: ClientConfig, env: NodeJS.ProcessEnv = process.env): void {
  const p = configPath(env);
  mkdirSync(meridianHome(env), { recursive: true, mode: 0o700 });
  writeFileSync(`${p}.tmp`, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${p}.tmp`, p);
}

export function removeClientConfig(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(configPath(env), { force: true });
}

/** Where the CLI sends API requests, and with which token. */
export interface ApiTarget {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:7070. */
  url: string;
  token: string;
}

/**
 * The control plane to talk to: MERIDIAN_API_URL and MERIDIAN_TOKEN override the client config
 * (each on its own), as KUBECONFIG-style tools let CI jobs run without a config file.
 * @throws MeridianError `CLIENT_NOT_CONFIGURED` saying what to run or set
 */
export function resolveApiTarget(env: NodeJS.ProcessEnv = process.env): ApiTarget {
  let config: ClientConfig | undefined;
  try {
    config = readClientConfig(env);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MeridianError('CLIENT_NOT_CONFIGURED', `${configPath(env)} is not valid JSON (${why}); fix it, or remove it and run \`meridian up\``);
  }
  const url = nonEmpty(env.MERIDIAN_API_URL) ?? nonEmpty(config?.apiUrl);
  const token = nonEmpty(env.MERIDIAN_TOKEN) ?? nonEmpty(config?.token);
  if (url === undefined || token === undefined) {
    const missing = url === undefined ? 'no control-plane URL' : 'no API token';
    throw new MeridianError('CLIENT_NOT_CONFIGURED', `${missing}: run \`meridian up\` (it writes ${configPath(env)}) or set MERIDIAN_API_URL and MERIDIAN_TOKEN`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const source = nonEmpty(env.MERIDIAN_API_URL) !== undefined ? 'MERIDIAN_API_URL' : `apiUrl in ${configPath(env)}`;
    throw new MeridianError('CLIENT_NOT_CONFIGURED', `${source}: "${url}" is not an http(s) URL; write it like http://127.0.0.1:7070`);
  }
  return { url: url.replace(/\/+$/, ''), token };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}
