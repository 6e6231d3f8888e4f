// The client config, like kubectl's kubeconfig: where the control plane is and the token to use.
// `meridian up` writes it; later commands read it. Lives in $MERIDIAN_HOME (default ~/.meridian).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClientConfig {
  apiUrl: string;
  routerUrl?: string;
  token: string;
  /** The local environment this config points at (written by `meridian up`). */
  local?: { dataDir: string; controlPlanePid: number; regions: string[] };
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
