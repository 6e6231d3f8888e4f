// Starting and stopping the local environment's control-plane process, shared by `meridian up`
// (foreground Ctrl-C) and `meridian down`, so both leave no process behind.
import { join } from 'node:path';
import { isAlive, signal } from '../providers/local/replica-process.js';
import { isSameProcess, readRecords } from '../providers/local/replica-state.js';
import { removeClientConfig, type ClientConfig } from '../cli/client-config.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (isAlive(pid) && performance.now() < deadline) await sleep(25);
  return !isAlive(pid);
}

/**
 * SIGTERM the router, then the control plane (it drains and stops its replicas), SIGKILL it if it does not finish
 * in time, then kill any replica it left behind — e.g. when it had itself been SIGKILLed.
 * Returns the number of leftover replica processes that had to be killed.
 */
export async function stopLocalEnvironment(local: NonNullable<ClientConfig['local']>, timeoutMs: number): Promise<number> {
  if (local.routerPid !== undefined && isAlive(local.routerPid)) {
    signal(local.routerPid, 'SIGTERM');
    if (!(await waitGone(local.routerPid, 5000))) signal(local.routerPid, 'SIGKILL');
  }
  if (isAlive(local.controlPlanePid)) {
    signal(local.controlPlanePid, 'SIGTERM');
    if (!(await waitGone(local.controlPlanePid, timeoutMs))) {
      signal(local.controlPlanePid, 'SIGKILL');
      await waitGone(local.controlPlanePid, 2000);
    }
  }
  let leftovers = 0;
  for (const r of readRecords(join(local.dataDir, 'provider', 'replicas.json'))) {
    if (isAlive(r.pid) && isSameProcess(r)) {
      leftovers++;
      signal(r.pid, 'SIGCONT');
      signal(r.pid, 'SIGKILL');
      await waitGone(r.pid, 2000);
    }
  }
  removeClientConfig();
  return leftovers;
}
