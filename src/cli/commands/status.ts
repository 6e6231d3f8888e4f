// `meridian status [MODEL]`: what runs where — per model, each region's version, phase, replicas,
// health and share of traffic.
import type { ModelStatus } from '../../api/contract.js';
import { modelArg, noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { formatPercent } from '../render/format.js';
import { formatTable } from '../render/table.js';

const HELP = `Usage: meridian status [MODEL] [--output json]

For each model (or only MODEL): the current and previous version, any rollout in progress, and
per region the version, phase, replicas ready/desired, health and share of the model's traffic.`;

export function statusLines(s: ModelStatus): string[] {
  const active = s.activeRollout === null ? '' : `  (rollout ${s.activeRollout} in progress)`;
  const head = `${s.model}  current ${s.currentVersion ?? '-'}, previous ${s.previousVersion ?? '-'}${active}`;
  if (s.regions.length === 0) return [head, '  not deployed to any region'];
  const rows = s.regions.map((r) => [r.region, r.version, r.phase, `${r.replicasReady}/${r.replicasDesired}`, r.health, formatPercent(r.trafficShare)]);
  const table = formatTable(['REGION', 'VERSION', 'PHASE', { header: 'REPLICAS', align: 'right' }, 'HEALTH', { header: 'TRAFFIC', align: 'right' }], rows);
  return [head, ...table.map((l) => `  ${l}`)];
}

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, {});
  if (cmd === HELP_SHOWN) return 0;
  const { positionals, output } = cmd;
  const model = positionals[0] === undefined ? undefined : modelArg(positionals[0], 'status', 'iris');
  noExtraArgs(positionals, 1, 'status');
  const client = apiClient();
  const list = model === undefined ? await client.status() : [await client.modelStatus(model)];
  if (output === 'json') printJson(model === undefined ? list : list[0]);
  else if (list.length === 0) console.log('No models yet; push one with `meridian models push FILE --name N --version V`.');
  else console.log(list.map((s) => statusLines(s).join('\n')).join('\n\n'));
  return 0;
}
