// `meridian drill`: break a region on purpose under load and measure the failover — failed
// requests, how fast the router moved traffic away and back, and the latency it cost. The
// sequence and the analysis live in src/cli/load/ (outage-drill.ts, drill-analysis.ts).
import type { RegionInfo } from '../../api/contract.js';
import { MeridianError } from '../../core/errors.js';
import { numberFlag, parseFlags, requireFlag } from '../../config/flags.js';
import type { ApiClient } from '../api-client.js';
import { noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { dispatch } from '../subcommands.js';
import { buildDrillReport, renderDrillReport } from '../load/drill-report.js';
import { DEFAULT_TIMEOUT_MS, LOAD_FLAGS, MAX_RPS, loadPlanOf, type LoadPlan } from '../load/load-flags.js';
import { prepareLoad } from '../load/load-run.js';
import { runOutageDrill } from '../load/outage-drill.js';
import { resolveRouterUrl } from '../load/router-target.js';

const HELP = 'Usage: meridian drill <subcommand> [options]\n\nFailure drills against the control plane and the router (admin token).';

const OUTAGE_HELP = `Usage: meridian drill outage --model M --region R --mode kill|freeze --rps N --duration S
                            [--warmup S] [--restore-after S] [--from LAT,LON ...] [--country CC]
                            [--router URL] [--timeout-ms MS] [--output json]

Sends open-loop load to the router (as \`meridian load\`) for the whole duration. After the
warm-up it fails every replica of the region through the control plane — kill: SIGKILL (a crash:
connections refused at once), freeze: SIGSTOP (a hang: connections accepted, nothing answered) —
restores it at --restore-after, and keeps the load going to the end. The region is restored on
every way out, errors and Ctrl-C included.

Options:
  --model M            the model under load; it must run in the region
  --region R           the region to fail
  --mode kill|freeze   how it fails
  --rps N              requests per second, 1..${MAX_RPS}
  --duration S         seconds of load, at least 3
  --warmup S           seconds before the failure (default 25% of the duration)
  --restore-after S    seconds from the start to the restore (default 60%); later than --warmup
  --from LAT,LON       where the clients are. Default: the failed region's own coordinates and
                       country (unless --country is given), so that the geoproximity policy — and
                       geolocation rules for that country — send the load to it. Under the latency
                       policy the router's measured RTT decides instead; the report warns when the
                       region was not serving most of the warm-up traffic
  --country CC         the clients' country (Meridian-Client-Country)
  --router URL, --timeout-ms MS (default ${DEFAULT_TIMEOUT_MS})   as for meridian load
  --output json        the report as JSON (what bench:failover reads)

Reports failed requests (non-2xx and client errors) by phase; how long the router kept sending to
the failed region; when all traffic was served elsewhere; p50/p99 latency before and during the
outage and p99 in its first 2 s; and how long after the restore traffic came back.

Example: meridian drill outage --model iris --region eu-west-1 --mode kill --rps 100 --duration 20`;

const RESTORE_HELP = `Usage: meridian drill restore --region R

Resumes frozen replicas of the region and restarts killed ones (what \`drill outage\` does at the
end; for a drill that was cut short).`;

/** Whether the region serves the model, and where the region is. @throws MeridianError USAGE naming the regions that do. */
async function checkRegion(client: ApiClient, model: string, region: string): Promise<{ info: RegionInfo; others: string[] }> {
  const status = await client.modelStatus(model);
  const serving = status.regions.map((r) => r.region);
  if (!serving.includes(region)) {
    const where = serving.length === 0 ? `${model} is not deployed anywhere` : `${model} runs in ${serving.join(', ')}`;
    throw new MeridianError('USAGE', `--region: ${region} does not serve ${model}; ${where}`);
  }
  const info = (await client.regions()).find((r) => r.code === region);
  if (info === undefined) throw new MeridianError('USAGE', `--region: ${region} is not in the control plane's region catalog`);
  return { info, others: serving.filter((r) => r !== region) };
}

async function outage(argv: string[]): Promise<number> {
  // Everything that can be checked locally is, before the control plane is asked anything.
  const cmd = parseOutputCommand(argv, OUTAGE_HELP, { ...LOAD_FLAGS, region: { type: 'string' }, mode: { type: 'string' }, warmup: { type: 'string' }, 'restore-after': { type: 'string' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  noExtraArgs(positionals, 0, 'drill outage');
  const region = requireFlag('region', f.region, 'the region to fail, e.g. --region eu-west-1');
  const mode = f.mode;
  if (mode !== 'kill' && mode !== 'freeze') throw new MeridianError('USAGE', `--mode: ${mode === undefined ? 'missing' : `"${mode}" is not a mode`}; use kill (SIGKILL: a crash) or freeze (SIGSTOP: a hang)`);
  const plan: LoadPlan = loadPlanOf(f, 'drill outage', 3);
  // Defaults rounded to the millisecond: 6 × 0.6 is 3.5999999999999996 in floating point.
  const ms = (s: number): number => Math.round(s * 1000) / 1000;
  const warmupS = numberFlag('warmup', f.warmup, ms(plan.durationS * 0.25), 0, plan.durationS);
  const restoreAfterS = numberFlag('restore-after', f['restore-after'], ms(plan.durationS * 0.6), 0, plan.durationS);
  if (restoreAfterS <= warmupS) throw new MeridianError('USAGE', `--restore-after (${restoreAfterS} s) must be later than --warmup (${warmupS} s): the region is failed at the warm-up's end and restored at --restore-after`);

  const client = apiClient();
  const { info, others } = await checkRegion(client, plan.model, region);
  // Clients standing in the region itself: the load goes where the failure will be.
  if (plan.from.length === 0) {
    plan.from = [{ latitude: info.latitude, longitude: info.longitude }];
    plan.country ??= info.country;
  }
  const prepared = await prepareLoad(plan, resolveRouterUrl(f.router));

  // Ctrl-C stops the load; runOutageDrill still restores the region before returning.
  const stop = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) console.error(`meridian drill: restoring ${region} before exiting; please wait`);
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = (line: string): void => console.error(`meridian drill: ${line}`);
  try {
    const res = await runOutageDrill({ load: prepared, region, mode, warmupS, restoreAfterS, control: client, signal: stop.signal, progress });
    if (res.interrupted) {
      console.error('meridian drill: interrupted by Ctrl-C; no report');
      return 1;
    }
    const report = buildDrillReport(prepared, { region, mode, warmupS, restoreAfterS, otherRegions: others }, res);
    if (output === 'json') printJson(report);
    else console.log(renderDrillReport(report).join('\n'));
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

async function restore(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseFlags(argv, { region: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (f.help === true) {
    console.log(RESTORE_HELP);
    return 0;
  }
  noExtraArgs(positionals, 0, 'drill restore');
  const region = requireFlag('region', f.region, 'the region to restore, e.g. --region eu-west-1');
  const replicas = await apiClient().drill({ region, mode: 'restore' });
  console.log(`${region}: ${replicas.length} replica(s) restored`);
  return 0;
}

export function main(argv: string[]): Promise<number> {
  return dispatch('drill', HELP, {
    outage: { summary: 'fail a region under load and measure the failover', run: outage },
    restore: { summary: 'undo a drill: resume frozen replicas, restart killed ones', run: restore },
  }, argv);
}
