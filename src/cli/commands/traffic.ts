// `meridian traffic MODEL [--policy ...]`: show or set how a model's requests choose a region.
import type { RoutingPolicySpec } from '../../core/routing-table.js';
import { MeridianError } from '../../core/errors.js';
import { modelArg, noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';

const HELP = `Usage: meridian traffic MODEL [--policy TYPE [options]] [--output json]

Without --policy, shows the model's routing policy. With it, sets the policy; routers apply it
with the next routing table (within a second).

Policies:
  --policy latency                       the region with the lowest measured RTT from each router
  --policy geoproximity [--bias a=N,...] the nearest region to the client; bias -99..99 grows (+) or
                                         shrinks (-) a region's area, as Route 53 does
  --policy geolocation --rule MATCH=r1,r2 [--rule ...]
                                         MATCH is country:DE, continent:EU (AF AS EU NA OC SA) or *;
                                         the most specific match wins; no match and no * → no answer
  --policy weighted --weights a=80,b=20  fixed shares per region
  --policy failover --order a,b,c        the first healthy region in the list takes everything

Example: meridian traffic iris --policy failover --order eu-west-1,us-east-1`;

/** `a=1,b=2` → {a: 1, b: 2}, naming the flag on any mistake. */
function numberMap(flag: string, raw: string | undefined, example: string): Record<string, number> {
  if (raw === undefined) throw new MeridianError('USAGE', `--${flag} is required for this policy, e.g. --${flag} ${example}`);
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [k, v, ...rest] = part.split('=');
    const n = Number(v);
    if (k === undefined || k === '' || v === undefined || rest.length > 0 || v.trim() === '' || !Number.isFinite(n)) {
      throw new MeridianError('USAGE', `--${flag}: "${part}" is not REGION=NUMBER; write e.g. --${flag} ${example}`);
    }
    out[k.trim()] = n;
  }
  return out;
}

function policyOf(f: { policy?: string; bias?: string; weights?: string; order?: string; rule?: string[] }): RoutingPolicySpec {
  const extra = (allowed: string[]): void => {
    for (const k of ['bias', 'weights', 'order', 'rule'] as const) {
      if (f[k] !== undefined && !allowed.includes(k)) throw new MeridianError('USAGE', `--${k} does not apply to --policy ${f.policy ?? ''}`);
    }
  };
  switch (f.policy) {
    case 'latency':
      extra([]);
      return { type: 'latency' };
    case 'geoproximity':
      extra(['bias']);
      return f.bias === undefined ? { type: 'geoproximity' } : { type: 'geoproximity', bias: numberMap('bias', f.bias, 'eu-west-1=50,us-east-1=-20') };
    case 'weighted':
      extra(['weights']);
      return { type: 'weighted', weights: numberMap('weights', f.weights, 'us-east-1=80,eu-west-1=20') };
    case 'failover':
      extra(['order']);
      if (f.order === undefined || f.order.trim() === '') throw new MeridianError('USAGE', '--order is required for --policy failover, e.g. --order eu-west-1,us-east-1');
      return { type: 'failover', order: f.order.split(',').map((s) => s.trim()) };
    case 'geolocation': {
      extra(['rule']);
      const rules = (f.rule ?? []).map((r) => {
        const eq = r.lastIndexOf('=');
        if (eq <= 0 || eq === r.length - 1) throw new MeridianError('USAGE', `--rule: "${r}" is not MATCH=REGIONS; write e.g. --rule country:DE=eu-central-1 or --rule '*=us-east-1'`);
        return { match: r.slice(0, eq), regions: r.slice(eq + 1).split(',').map((s) => s.trim()) };
      });
      if (rules.length === 0) throw new MeridianError('USAGE', "--policy geolocation needs at least one --rule, e.g. --rule continent:EU=eu-west-1 --rule '*=us-east-1'");
      return { type: 'geolocation', rules };
    }
    default:
      throw new MeridianError('USAGE', `--policy: "${f.policy ?? ''}" is not a policy; use latency, geoproximity, geolocation, weighted or failover`);
  }
}

function describe(p: RoutingPolicySpec): string {
  switch (p.type) {
    case 'latency':
      return 'latency: each router sends to the region with the lowest measured RTT';
    case 'geoproximity':
      return `geoproximity: nearest region to the client${p.bias === undefined ? '' : `, bias ${Object.entries(p.bias).map(([k, v]) => `${k}=${v}`).join(',')}`}`;
    case 'geolocation':
      return `geolocation:\n${p.rules.map((r) => `  ${r.match.padEnd(14)} → ${r.regions.join(', ')}`).join('\n')}`;
    case 'weighted':
      return `weighted: ${Object.entries(p.weights).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    case 'failover':
      return `failover: ${p.order.join(' → ')}`;
  }
}

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, {
    policy: { type: 'string' },
    bias: { type: 'string' },
    weights: { type: 'string' },
    order: { type: 'string' },
    rule: { type: 'string', multiple: true },
  });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  if (positionals[0] === undefined) throw new MeridianError('USAGE', 'name the model: meridian traffic MODEL [--policy ...]');
  const model = modelArg(positionals[0], 'traffic', 'iris');
  noExtraArgs(positionals, 1, 'traffic');
  const wanted = f.policy === undefined ? undefined : policyOf(f);
  if (wanted === undefined && (f.bias ?? f.weights ?? f.order ?? f.rule) !== undefined) throw new MeridianError('USAGE', 'give --policy with its options');
  const client = apiClient();
  const policy = wanted === undefined ? await client.trafficPolicy(model) : await client.setTrafficPolicy(model, wanted);
  if (output === 'json') printJson(policy);
  else console.log(`${model} ${wanted === undefined ? 'routes by' : 'now routes by'} ${describe(policy)}`);
  return 0;
}
