// `meridian rollback MODEL`: returns regions to the model's previous version, as a rollout that
// is followed and reported exactly like a deploy.
import type { RollbackRequest } from '../../api/requests.js';
import { parseRegionList } from '../../config/region-list.js';
import { loadRegionCatalog } from '../../config/regions/catalog.js';
import { modelArg, noExtraArgs, onFailureFlag, parallelFlag } from '../args.js';
import { apiClient } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { runRollout } from '../rollout-run.js';

const HELP = `Usage: meridian rollback MODEL [options]

Returns the model to its previous version: in every region where it runs, or in --regions.
Progress and exit codes are those of \`meridian deploy\`.

Options:
  --regions LIST        only these regions (comma-separated)
  --parallel N          regions changed at once
  --on-failure MODE     halt (default) or rollback
  --output json         print only the final rollout as JSON
  --no-wait             print the rollout id and return at once`;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, { regions: { type: 'string' }, parallel: { type: 'string' }, 'on-failure': { type: 'string' }, 'no-wait': { type: 'boolean' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const req: RollbackRequest = {};
  if (f.regions !== undefined) req.regions = parseRegionList(f.regions, loadRegionCatalog(), positionals);
  const model = modelArg(positionals[0], 'rollback', 'iris');
  noExtraArgs(positionals, 1, 'rollback');
  const parallel = parallelFlag(f.parallel);
  if (parallel !== undefined) req.parallel = parallel;
  const onFailure = onFailureFlag(f['on-failure']);
  if (onFailure !== undefined) req.onFailure = onFailure;
  const client = apiClient();
  return runRollout(client, await client.rollback(model, req), { output, wait: f['no-wait'] !== true });
}
