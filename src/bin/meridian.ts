#!/usr/bin/env node
// The `meridian` command: dispatches to one module per subcommand, loaded lazily so that
// `meridian --help` does not pay for onnxruntime or SQLite.
import { isMeridianError, messageOf } from '../core/errors.js';

interface CommandModule {
  main(argv: string[]): Promise<number>;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'run one model server (Open Inference Protocol v2 REST)', load: () => import('./serve.js') },
  up: { summary: 'start the local multi-region environment', load: () => import('./up.js') },
  down: { summary: 'stop the local environment started by `meridian up --detach`', load: () => import('./down.js') },
  'control-plane': { summary: '(internal) the control-plane process that `meridian up` starts', load: () => import('./control-plane.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: meridian <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`meridian <command> --help\` for a command's options.`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`meridian: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).main(rest);
  } catch (e) {
    if (isMeridianError(e, 'USAGE') || isMeridianError(e, 'INVALID_ARGUMENT') || isMeridianError(e, 'REGION_UNKNOWN')) {
      console.error(`meridian ${name}: ${e.message}`);
      return 2;
    }
    console.error(`meridian ${name}: ${messageOf(e)}`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
