// `meridian deploy MODEL:VERSION --regions a,b`: validates everything locally, asks the control
// plane to start the rollout, and follows it to its end.
import { loadRegionCatalog } from '../../config/regions/catalog.js';
import { apiClient } from '../command.js';
import { parseDeployArgs } from '../deploy-args.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { runRollout } from '../rollout-run.js';
import { STRATEGY_FLAG_SPEC, STRATEGY_HELP } from '../strategy-flags.js';

const HELP = `Usage: meridian deploy MODEL:VERSION --regions a,b [options]

Rolls a pushed model version out to regions, wave by wave: in each region the artifact is copied
and its digest verified, model servers start across the zones, and the region is verified
(ready, golden examples, latency) before it takes traffic. Follows the rollout to its end.

Options:
  --regions LIST        comma-separated region codes, e.g. us-east-1,eu-west-1
  --parallel N          regions changed at once (waves of N, in the order given)
  --waves "a;b,c"       explicit waves: semicolons between waves, commas inside one
                        (not with --parallel; with --regions, the same regions)
  --on-failure MODE     halt (default: stop before the next wave; verified regions keep the
                        new version) or rollback (return the rollout's regions to the old one)
  --replicas N          model servers per region
  --output json         print only the final rollout as JSON
  --no-wait             print the rollout id and return at once

${STRATEGY_HELP}

Exit codes: 0 succeeded, 1 halted, rolled back, aborted or paused (each failed region's reason and code are
printed), 2 bad usage or a request the control plane refused (unknown model or version,
residency, unknown region).`;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, {
    regions: { type: 'string' },
    parallel: { type: 'string' },
    waves: { type: 'string' },
    'on-failure': { type: 'string' },
    replicas: { type: 'string' },
    ...STRATEGY_FLAG_SPEC,
    'no-wait': { type: 'boolean' },
  });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const { model, request } = parseDeployArgs(f, positionals, loadRegionCatalog());
  const client = apiClient();
  const rollout = await client.deploy(model, request);
  return runRollout(client, rollout, { output, wait: f['no-wait'] !== true });
}
