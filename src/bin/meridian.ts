#!/usr/bin/env node
// The `meridian` command: dispatches to one module per subcommand, loaded lazily so that
// `meridian --help` does not pay for onnxruntime or SQLite.
import { errorText, exitCodeOf } from '../cli/exit-codes.js';

interface CommandModule {
  main(argv: string[]): Promise<number>;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'run one model server (Open Inference Protocol v2 REST)', load: () => import('./serve.js') },
  up: { summary: 'start the local multi-region environment', load: () => import('./up.js') },
  down: { summary: 'stop the local environment started by `meridian up --detach`', load: () => import('./down.js') },
  models: { summary: 'push model versions to the registry and list them', load: () => import('../cli/commands/models.js') },
  deploy: { summary: 'roll MODEL:VERSION out to regions and follow it to its end', load: () => import('../cli/commands/deploy.js') },
  rollback: { summary: 'return a model to its previous version', load: () => import('../cli/commands/rollback.js') },
  apply: { summary: 'start the rollout a YAML manifest describes (-f FILE) and follow it', load: () => import('../cli/commands/apply.js') },
  promote: { summary: 'move a canary/blue-green/shadow rollout to its next step now', load: () => import('../cli/commands/promote.js') },
  pause: { summary: 'hold a strategy rollout at its current step', load: () => import('../cli/commands/pause.js') },
  resume: { summary: 'go on with a paused rollout (the step starts over)', load: () => import('../cli/commands/resume.js') },
  abort: { summary: 'return every region of a rollout to its previous version', load: () => import('../cli/commands/abort.js') },
  analysis: { summary: "a strategy rollout's verdicts: measured values, thresholds, samples", load: () => import('../cli/commands/analysis.js') },
  status: { summary: 'what runs where: versions, replicas, health, traffic per region', load: () => import('../cli/commands/status.js') },
  history: { summary: "a model's rollouts, newest first", load: () => import('../cli/commands/history.js') },
  events: { summary: 'the event log; -f follows it live', load: () => import('../cli/commands/events.js') },
  regions: { summary: 'regions the control plane can deploy to', load: () => import('../cli/commands/regions.js') },
  tokens: { summary: 'create, list and revoke API tokens', load: () => import('../cli/commands/tokens.js') },
  traffic: { summary: "show or set a model's routing policy", load: () => import('../cli/commands/traffic.js') },
  load: { summary: 'open-loop load against the router: latency, errors, regions', load: () => import('../cli/commands/load.js') },
  drill: { summary: 'fail a region under load and measure the failover', load: () => import('../cli/commands/drill.js') },
  router: { summary: 'a global router at one edge: policies, health checks, retries, failover', load: () => import('./router.js') },
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
    // Exit codes everywhere: 0 success, 1 failure, 2 bad usage (src/cli/exit-codes.ts).
    console.error(`meridian ${name}: ${errorText(e)}`);
    return exitCodeOf(e);
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
