// The preamble of every command that prints a table or JSON: its own flags plus `--output` and
// `--help`, help printed before anything else is checked, then `--output` checked. One copy, so
// every command accepts `-o`/`-h` and words the --output error the same way.
import { parseFlags, type FlagSpec } from '../config/flags.js';
import { outputFlag } from './args.js';

/** `--output text|json` and `--help`, as every such command spells them. */
export const OUTPUT_COMMAND_FLAGS = {
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpec;

/** What `parseOutputCommand` returns once help has been printed: the command returns 0. */
export const HELP_SHOWN = 'help-shown';

/**
 * Parses `argv` against `extraFlags` plus `--output` and `--help` (positionals allowed; the
 * command checks their number). With `--help` it prints `help` and returns `HELP_SHOWN`, even if
 * --output is bad; otherwise it returns the flags, the positionals and the checked output format.
 * @throws MeridianError USAGE for an unknown flag, a missing flag value or a bad --output.
 */
export function parseOutputCommand<T extends FlagSpec>(argv: string[], help: string, extraFlags: T) {
  const { values: flags, positionals } = parseFlags(argv, { ...extraFlags, ...OUTPUT_COMMAND_FLAGS }, true);
  // TypeScript cannot resolve parseArgs' value types for a generic spec; spread last, these two
  // are OUTPUT_COMMAND_FLAGS' whatever `extraFlags` holds.
  const common = flags as { output?: string; help?: boolean };
  if (common.help === true) {
    console.log(help);
    return HELP_SHOWN;
  }
  return { flags, positionals, output: outputFlag(common.output) };
}
