// `meridian tokens create|list|revoke`: API tokens (admin only). A token's secret is printed once,
// at creation; the control plane keeps only its hash.
import type { Role } from '../../api/contract.js';
import { MeridianError } from '../../core/errors.js';
import { parseFlags } from '../../config/flags.js';
import { noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, OUTPUT_COMMAND_FLAGS, parseOutputCommand } from '../output-command.js';
import { formatTime } from '../render/format.js';
import { formatTable } from '../render/table.js';
import { dispatch } from '../subcommands.js';

const HELP = `Usage: meridian tokens <subcommand>

API tokens, for people and CI. Roles: viewer (read), deployer (push, deploy, roll back),
admin (tokens). Needs an admin token.`;

const ROLES: readonly Role[] = ['viewer', 'deployer', 'admin'];

/**
 * create's --role. list and revoke accept it too and ignore it, and revoke takes --output without
 * checking it: the three once shared one flag spec, and a command line that worked still works.
 */
const ROLE_FLAG = { role: { type: 'string' } } as const;

async function create(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, 'Usage: meridian tokens create NAME --role viewer|deployer|admin [--output json]\n\nCreates a token and prints it once; store it now.', ROLE_FLAG);
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const name = positionals[0];
  if (name === undefined) throw new MeridianError('USAGE', 'missing NAME: who or what will use the token, e.g. meridian tokens create ci --role deployer');
  noExtraArgs(positionals, 1, 'tokens create');
  const role = f.role as Role | undefined;
  if (role === undefined || !ROLES.includes(role)) {
    throw new MeridianError('USAGE', `--role ${role === undefined ? 'is required' : `"${String(role)}" is not a role`}: use viewer (read), deployer (push, deploy, roll back) or admin (tokens)`);
  }
  const t = await apiClient().createToken({ name, role });
  if (output === 'json') printJson(t);
  else console.log(`Created token ${t.id} "${t.name}" (${t.role}). It is shown only now; store it:\n\n  ${t.token}\n\nClients send it as MERIDIAN_TOKEN (the CLI) or "Authorization: Bearer <token>" (HTTP).`);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, 'Usage: meridian tokens list [--output json]\n\nLists tokens: id, name, role, created. Never their secrets.', ROLE_FLAG);
  if (cmd === HELP_SHOWN) return 0;
  const { positionals, output } = cmd;
  noExtraArgs(positionals, 0, 'tokens list');
  const tokens = await apiClient().tokens();
  if (output === 'json') printJson(tokens);
  else console.log(formatTable([{ header: 'ID', align: 'right' }, 'NAME', 'ROLE', 'CREATED'], tokens.map((t) => [String(t.id), t.name, t.role, formatTime(t.createdAt)])).join('\n'));
  return 0;
}

async function revoke(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseFlags(argv, { ...ROLE_FLAG, ...OUTPUT_COMMAND_FLAGS }, true);
  if (f.help === true) {
    console.log('Usage: meridian tokens revoke ID\n\nRevokes a token at once (`meridian tokens list` shows the ids).');
    return 0;
  }
  const raw = positionals[0];
  noExtraArgs(positionals, 1, 'tokens revoke');
  if (raw === undefined || !/^[1-9]\d*$/.test(raw)) {
    throw new MeridianError('USAGE', `${raw === undefined ? 'missing ID' : `ID: "${raw}" is not a token id`}; \`meridian tokens list\` shows the ids, e.g. meridian tokens revoke 3`);
  }
  await apiClient().revokeToken(Number(raw));
  console.log(`Revoked token ${raw}.`);
  return 0;
}

export function main(argv: string[]): Promise<number> {
  return dispatch('tokens', HELP, { create: { summary: 'create a token (printed once)', run: create }, list: { summary: 'list tokens', run: list }, revoke: { summary: 'revoke a token', run: revoke } }, argv);
}
