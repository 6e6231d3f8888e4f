// `meridian events [-f]`: the control plane's event log; with -f it keeps streaming new events
// until Ctrl-C (exit 0), reconnecting from the last event seen if the stream drops.
import type { EventRecord } from '../../api/contract.js';
import type { EventsQuery } from '../../api/requests.js';
import { MeridianError } from '../../core/errors.js';
import { parseRegionList } from '../../config/region-list.js';
import { loadRegionCatalog } from '../../config/regions/catalog.js';
import type { ApiClient } from '../api-client.js';
import { modelArg, noExtraArgs, type OutputFormat } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { eventLine } from '../render/events.js';

const HELP = `Usage: meridian events [-f|--follow] [--model M] [--region R] [--rollout ID] [--output json]

The event log, oldest first: time, actor, kind, model, region, message. With -f, keeps printing
new events until Ctrl-C. --output json prints a JSON array (with -f: one JSON object per line).`;

/** Events per request when reading the whole log. */
const PAGE = 1000;
/** Reconnection attempts in a row before -f gives up. */
const MAX_RECONNECTS = 5;
const RECONNECT_DELAY_MS = 1000;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, { follow: { type: 'boolean', short: 'f' }, model: { type: 'string' }, region: { type: 'string' }, rollout: { type: 'string' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const q: EventsQuery = {};
  if (f.rollout !== undefined) {
    const id = Number(f.rollout);
    if (!Number.isInteger(id) || id < 1) throw new MeridianError('USAGE', `--rollout: "${f.rollout}" is not a rollout id (a whole number ≥ 1)`);
    q.rollout = id;
  }
  if (f.region !== undefined) {
    const regions = parseRegionList(f.region, loadRegionCatalog(), positionals, 'region');
    if (regions.length > 1) throw new MeridianError('USAGE', `--region takes one region; got ${regions.length} (${regions.join(', ')})`);
    q.region = regions[0];
  }
  if (f.model !== undefined) q.model = modelArg(f.model, 'events --model', 'iris');
  noExtraArgs(positionals, 0, 'events');
  const client = apiClient();
  if (f.follow === true) return follow(client, q, output);
  const all: EventRecord[] = [];
  for (let after = 0; ; ) {
    const page = await client.events({ ...q, after, limit: PAGE });
    all.push(...page);
    if (output === 'text') for (const e of page) console.log(eventLine(e));
    const last = page[page.length - 1];
    if (last === undefined || page.length < PAGE) break;
    after = last.id;
  }
  if (output === 'json') printJson(all);
  else if (all.length === 0) console.log('No events.');
  return 0;
}

async function follow(client: ApiClient, q: EventsQuery, output: OutputFormat): Promise<number> {
  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  process.once('SIGINT', onSigint);
  let after = 0;
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        for await (const e of client.eventStream({ ...q, after }, stop.signal)) {
          after = e.id;
          failures = 0;
          console.log(output === 'json' ? JSON.stringify(e) : eventLine(e));
        }
        throw new Error('the control plane closed the stream');
      } catch (e) {
        if (stop.signal.aborted) break;
        if (++failures > MAX_RECONNECTS) throw e;
        console.error(`(event stream lost: ${e instanceof Error ? e.message : String(e)}; reconnecting)`);
        await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return 0;
}
