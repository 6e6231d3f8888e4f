// Commands with subcommands (`meridian models push`, `meridian tokens list`): pick the subcommand,
// or explain which ones there are.
import { MeridianError } from '../core/errors.js';

export interface Subcommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export async function dispatch(command: string, help: string, subs: Record<string, Subcommand>, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const lines = Object.entries(subs).map(([n, s]) => `  ${n.padEnd(8)} ${s.summary}`);
    console.log(`${help}\n\nSubcommands:\n${lines.join('\n')}\n\nRun \`meridian ${command} <subcommand> --help\` for its options.`);
    return name === undefined ? 2 : 0;
  }
  const sub = subs[name];
  if (sub === undefined) throw new MeridianError('USAGE', `unknown subcommand "${name}"; use one of ${Object.keys(subs).join(', ')}`);
  return sub.run(rest);
}
