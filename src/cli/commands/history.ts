// `meridian history MODEL`: the model's rollouts, newest first.
import { modelArg, noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { formatTime, formatWaves } from '../render/format.js';
import { formatTable } from '../render/table.js';

const HELP = `Usage: meridian history MODEL [--output json]

The model's rollouts, newest first: id, kind (deploy or rollback), from → to version, status,
waves, when and by whom, and why it ended as it did.`;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, {});
  if (cmd === HELP_SHOWN) return 0;
  const { positionals, output } = cmd;
  const model = modelArg(positionals[0], 'history', 'iris');
  noExtraArgs(positionals, 1, 'history');
  const list = await apiClient().history(model);
  if (output === 'json') {
    printJson(list);
    return 0;
  }
  if (list.length === 0) {
    console.log(`No rollouts of ${model} yet.`);
    return 0;
  }
  const rows = list.map((r) => [String(r.id), r.kind, `${r.fromVersion ?? '-'} → ${r.toVersion}`, r.status, formatWaves(r.waves), formatTime(r.createdAt), r.createdBy, r.reason ?? '']);
  console.log(formatTable([{ header: 'ID', align: 'right' }, 'KIND', 'FROM → TO', 'STATUS', 'WAVES', 'CREATED', 'BY', 'REASON'], rows).join('\n'));
  return 0;
}
