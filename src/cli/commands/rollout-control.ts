// `meridian promote|pause|resume|abort ROLLOUT`: steer a running release strategy. Each prints the
// rollout's state after the command; the control plane records who did it, as an event.
import type { RolloutCommand } from '../../api/contract.js';
import { MeridianError } from '../../core/errors.js';
import { noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';

const WHAT: Record<RolloutCommand, string> = {
  promote: 'Leaves the current strategy step now — without waiting for its bake or analysis — and goes\nto the next (the last step promotes the version). Also ends a pause.',
  pause: 'Holds the current strategy step: traffic stays as it is until `meridian resume` or `promote`.',
  resume: 'Goes on after a pause (by hand, or an analysis that could not decide): the step starts\nover, with a fresh bake and analysis window.',
  abort: 'Returns every region of the rollout to its previous version at once, then scales the\ncandidate down. The rollout ends as aborted.',
};

/** Parses a rollout id argument. */
export function rolloutIdArg(raw: string | undefined, command: string): number {
  if (raw === undefined) throw new MeridianError('USAGE', `${command}: which rollout? e.g. \`meridian ${command} 12\` (\`meridian history MODEL\` lists them)`);
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw new MeridianError('USAGE', `${command}: "${raw}" is not a rollout id (a whole number ≥ 1)`);
  return id;
}

export function commandMain(command: RolloutCommand): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const cmd = parseOutputCommand(argv, `Usage: meridian ${command} ROLLOUT [--output json]\n\n${WHAT[command]}\n\nNeeds a deployer or admin token.`, {});
    if (cmd === HELP_SHOWN) return 0;
    const { positionals, output } = cmd;
    const id = rolloutIdArg(positionals[0], command);
    noExtraArgs(positionals, 1, command);
    const r = await apiClient().rolloutCommand(id, command);
    if (output === 'json') printJson(r);
    else {
      const step = r.progress === null ? '' : `, wave ${r.progress.wave + 1}, step ${r.progress.step + 1}`;
      console.log(`Rollout ${r.id} (${r.model} → ${r.toVersion}, ${r.strategy.type}${step}): ${command} accepted; status ${r.status}. Follow it with \`meridian events -f --rollout ${r.id}\`.`);
    }
    return 0;
  };
}
