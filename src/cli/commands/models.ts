// `meridian models push|list`: put model versions into the registry and see what is there.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { MeridianError } from '../../core/errors.js';
import { JURISDICTIONS } from '../../core/regions.js';
import { requireFlag } from '../../config/flags.js';
import { nameArg, noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { formatBytes, formatTime } from '../render/format.js';
import { formatTable } from '../render/table.js';
import { dispatch } from '../subcommands.js';

const HELP = `Usage: meridian models <subcommand>

The model registry: immutable versions, content-addressed by sha256.`;

const PUSH_HELP = `Usage: meridian models push FILE.onnx --name NAME --version V [--residency EU,UK] [--output json]

Uploads an ONNX model as NAME:V. The control plane loads it with onnxruntime, records its inputs,
outputs and golden examples. Pushing the same bytes again is a no-op; different bytes under an
existing version are refused (versions are immutable).

  --residency LIST   jurisdictions the model may run in (${JURISDICTIONS.join(', ')});
                     EU excludes UK, CH and NO. Default: anywhere.`;

function residencyFlag(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const parts = raw.split(',').map((s) => s.trim().toUpperCase());
  const bad = parts.filter((p) => !(JURISDICTIONS as readonly string[]).includes(p));
  if (raw.trim() === '' || bad.length > 0) {
    throw new MeridianError('USAGE', `--residency: ${raw.trim() === '' ? 'is empty' : `unknown jurisdiction ${bad.map((b) => `"${b}"`).join(', ')}`}; use comma-separated codes from ${JURISDICTIONS.join(', ')}, e.g. --residency EU,UK`);
  }
  return [...new Set(parts)];
}

async function push(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, PUSH_HELP, { name: { type: 'string' }, version: { type: 'string' }, residency: { type: 'string' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const file = positionals[0];
  if (file === undefined) throw new MeridianError('USAGE', 'missing FILE: the .onnx file to push, e.g. meridian models push models/iris-v2.onnx --name iris --version v2');
  noExtraArgs(positionals, 1, 'models push');
  if (!existsSync(file) || !statSync(file).isFile()) throw new MeridianError('USAGE', `FILE: "${file}" does not exist or is not a file; give the path of an .onnx file`);
  const name = nameArg('--name', requireFlag('name', f.name, 'the model name, e.g. --name iris'));
  const version = nameArg('--version', requireFlag('version', f.version, 'the version, e.g. --version v2'));
  const residency = residencyFlag(f.residency);
  const result = await apiClient().pushModel(name, version, readFileSync(file), residency);
  const v = result.version;
  if (output === 'json') printJson(result);
  else if (result.created) console.log(`Pushed ${v.model}:${v.version} (sha256 ${v.digest.slice(0, 12)}, ${formatBytes(v.bytes)}, ${v.goldenExamples} golden examples).`);
  else console.log(`${v.model}:${v.version} already holds these bytes (sha256 ${v.digest.slice(0, 12)}); nothing to do.`);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, 'Usage: meridian models list [--output json]\n\nEvery pushed model version: digest, size, residency, signature, when and by whom.', {});
  if (cmd === HELP_SHOWN) return 0;
  const { positionals, output } = cmd;
  noExtraArgs(positionals, 0, 'models list');
  const models = await apiClient().models();
  if (output === 'json') printJson(models);
  else if (models.length === 0) console.log('No models yet; push one with `meridian models push FILE --name N --version V`.');
  else {
    const rows = models.map((m) => [m.model, m.version, m.digest.slice(0, 12), formatBytes(m.bytes), m.residency?.join(',') ?? 'anywhere', m.inputs.map((t) => `${t.name}${JSON.stringify(t.shape)}`).join(' '), formatTime(m.createdAt), m.createdBy]);
    console.log(formatTable(['MODEL', 'VERSION', 'SHA256', { header: 'SIZE', align: 'right' }, 'RESIDENCY', 'INPUTS', 'CREATED', 'BY'], rows).join('\n'));
  }
  return 0;
}

export function main(argv: string[]): Promise<number> {
  return dispatch('models', HELP, { push: { summary: 'upload an ONNX model version', run: push }, list: { summary: 'list model versions', run: list } }, argv);
}
