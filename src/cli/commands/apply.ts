// `meridian apply -f rollout.yaml`: starts the rollout a manifest describes and follows it, exactly
// like `meridian deploy` with the same settings as flags.
import { readFileSync } from 'node:fs';
import { requireFlag } from '../../config/flags.js';
import { MANIFEST_EXAMPLE, parseRolloutManifest } from '../../config/rollout-manifest.js';
import { loadRegionCatalog } from '../../config/regions/catalog.js';
import { MeridianError, messageOf } from '../../core/errors.js';
import { noExtraArgs } from '../args.js';
import { apiClient } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { runRollout } from '../rollout-run.js';

const HELP = `Usage: meridian apply -f FILE [--output json] [--no-wait]

Starts the rollout FILE describes (YAML) and follows it like \`meridian deploy\`. Example:

${MANIFEST_EXAMPLE}

Strategies: all-at-once, canary {steps, analysis, stickyHeader}, blue-green {shadowPercent,
shadowSeconds, rollbackWindowSeconds, analysis}, shadow {percent, durationSeconds, autoPromote,
analysis}. Exit codes are those of \`meridian deploy\`.`;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, { file: { type: 'string', short: 'f' }, 'no-wait': { type: 'boolean' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  noExtraArgs(positionals, 0, 'apply');
  const file = requireFlag('file', f.file, 'meridian apply -f rollout.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MeridianError('USAGE', `-f: cannot read ${file}: ${messageOf(e)}`);
  }
  const { model, request } = parseRolloutManifest(text, file);
  const catalog = loadRegionCatalog();
  for (const r of request.regions) catalog.require(r);
  const client = apiClient();
  return runRollout(client, await client.deploy(model, request), { output, wait: f['no-wait'] !== true });
}
