// `meridian load`: open-loop load against the router, to see latency, errors and where requests
// went. The engine (schedule, connections, records, report) is in src/cli/load/.
import { noExtraArgs } from '../args.js';
import { printJson } from '../command.js';
import { LOAD_FLAGS, MAX_DURATION_S, MAX_RPS, DEFAULT_TIMEOUT_MS, loadPlanOf } from '../load/load-flags.js';
import { prepareLoad, startLoad } from '../load/load-run.js';
import { buildLoadReport, renderLoadReport } from '../load/report.js';
import { resolveRouterUrl } from '../load/router-target.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';

const HELP = `Usage: meridian load --model M --rps N --duration S [--from LAT,LON ...] [--country CC]
                     [--router URL] [--timeout-ms MS] [--output json]

Sends inference requests to the router at a fixed rate: request i goes out at i/N seconds whether
or not earlier ones were answered (open loop), and its latency counts from that scheduled time, so
a stall shows in the latency instead of slowing the load down. The request body is built from the
model's metadata (dynamic dimensions 1, floats in [0, 8)).

Options:
  --model M          the model to call, e.g. iris
  --rps N            requests per second, 1..${MAX_RPS}
  --duration S       seconds of sending (up to ${MAX_DURATION_S}); the run then waits for the last answers
  --from LAT,LON     where the clients are (Meridian-Client-Location); repeat it and requests rotate
                     over the locations, e.g. --from 40.71,-74.01 --from 50.11,8.68
  --country CC       the clients' country (Meridian-Client-Country), e.g. DE
  --router URL       the router (default: MERIDIAN_ROUTER_URL, else routerUrl from \`meridian up\`)
  --timeout-ms MS    a request with no answer after this long counts as "timeout" (default ${DEFAULT_TIMEOUT_MS})
  --output json      the report as JSON, for scripts

Reports requests sent, status counts (client-side errors such as timeout or ECONNREFUSED are their
own categories), latency p50/p90/p99/max, requests per region (Meridian-Region) and the achieved
rate. Exit 0 when the load ran, whatever the router answered; 1 if the router cannot be reached;
2 for bad usage. Ctrl-C stops early and reports what was sent.

Example: meridian load --model iris --rps 200 --duration 30 --from 50.11,8.68`;

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, LOAD_FLAGS);
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  noExtraArgs(positionals, 0, 'load');
  const plan = loadPlanOf(f, 'load', 0.1);
  const router = resolveRouterUrl(f.router);
  const prepared = await prepareLoad(plan, router);

  // Ctrl-C ends the run early but still reports: the numbers so far are what the user came for.
  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    const run = startLoad(prepared, stop.signal);
    const records = await run.done;
    const report = buildLoadReport(plan, router, run.scheduled, records);
    if (output === 'json') printJson(report);
    else console.log(renderLoadReport(report).join('\n') + (stop.signal.aborted ? '\n  (stopped early by Ctrl-C)' : ''));
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
