// `meridian history MODEL`: the model's rollouts, newest first.
import { parseFlags } from '../../config/flags.js';
import { modelArg, noExtraArgs, outputFlag } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { formatTime, formatWaves } from '../render/format.js';
import { formatTable } from '../render/table.js';

const HELP = `Usage: meridian history MODEL [--output json]

The model's rollouts, newest first: id, kind (deploy or rollback), from → to version, status,
waves, when and by whom, and why it ended as it did.`;

export async function main(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseFlags(argv, { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, true);
  if (f.help === true) {
    console.log(HELP);
    return 0;
  }
  const output = outputFlag(f.output);
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
