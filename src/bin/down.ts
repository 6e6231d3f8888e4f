// `meridian down`: stops the local environment that `meridian up` started, leaving no process.
import { LOCAL_DEFAULTS as L } from '../core/defaults.js';
import { parseFlags } from '../config/flags.js';
import { configPath, readClientConfig } from '../cli/client-config.js';
import { stopLocalEnvironment } from './local-env.js';

export async function main(argv: string[]): Promise<number> {
  const { values: f } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (f.help === true) {
    console.log('Usage: meridian down\n\nStops the local environment started by `meridian up` (its control plane, routers and model servers).');
    return 0;
  }
  const config = readClientConfig();
  if (config?.local === undefined) {
    console.log(`No local environment to stop (no ${configPath()}).`);
    return 0;
  }
  const leftovers = await stopLocalEnvironment(config.local, L.replicaStopTimeoutMs);
  console.log(`Stopped the local environment (data kept in ${config.local.dataDir})${leftovers > 0 ? `; killed ${leftovers} leftover replica process(es)` : ''}.`);
  return 0;
}
