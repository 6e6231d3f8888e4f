// What deploy and rollback do once the control plane accepted a rollout: print its id and stop
// (--no-wait), or follow it to its end with progress, summarise, and exit 0 only if it succeeded.
import type { Rollout } from '../api/contract.js';
import type { ApiClient } from './api-client.js';
import type { OutputFormat } from './args.js';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.js';
import { followRollout } from './follow.js';
import { formatDuration, formatWaves, msBetween } from './render/format.js';
import { lineProgress, ttyProgress, type RolloutProgress } from './render/progress.js';

/** Exit code when the user stops following with Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

export function describeRollout(r: Rollout): string {
  const waves = r.waves.length === 1 ? `1 wave (${formatWaves(r.waves)})` : `${r.waves.length} waves (${formatWaves(r.waves)})`;
  const strategy = r.strategy.type === 'all-at-once' ? '' : `, strategy ${r.strategy.type}`;
  return `${r.kind} ${r.model} ${r.fromVersion ?? '(none)'} → ${r.toVersion} in ${waves}${strategy}, on failure ${r.onFailure}`;
}

/** Lines about what went wrong: the rollout's reason, then each failed region's reason and code. */
export function failureLines(r: Rollout): string[] {
  const lines = r.reason === null ? [] : [`reason: ${r.reason}`];
  for (const x of r.regions) {
    if (x.phase !== 'failed' && x.errorCode === null) continue;
    lines.push(`  ${x.region}: ${x.reason ?? x.phase}${x.errorCode === null ? '' : ` [${x.errorCode}]`}`);
  }
  const skipped = r.regions.filter((x) => x.phase === 'skipped').map((x) => x.region);
  if (skipped.length > 0) lines.push(`  not started: ${skipped.join(', ')}`);
  return lines;
}

function summary(r: Rollout): string {
  const took = formatDuration(msBetween(r.createdAt, r.updatedAt));
  if (r.status === 'succeeded') return `Rollout ${r.id} succeeded in ${took}: ${r.model} ${r.toVersion} serves in ${r.regions.map((x) => x.region).join(', ')}.`;
  if (r.status === 'rolled_back') return `Rollout ${r.id} failed and was rolled back after ${took}: its regions are back on ${r.fromVersion ?? 'their previous version'}.`;
  if (r.status === 'aborted') return `Rollout ${r.id} was aborted after ${took}: its regions are back on ${r.fromVersion ?? 'their previous version'}.`;
  if (r.status === 'paused') return `Rollout ${r.id} is paused: ${r.reason ?? 'waiting'}. Go on with \`meridian resume ${r.id}\` or \`meridian promote ${r.id}\`, stop with \`meridian abort ${r.id}\`; \`meridian analysis ${r.id}\` shows the verdicts.`;
  const kept = r.regions.filter((x) => x.phase === 'verified').map((x) => x.region);
  return `Rollout ${r.id} halted after ${took}${kept.length > 0 ? `; verified regions keep ${r.toVersion}: ${kept.join(', ')}` : ''}.`;
}

/** Follows `started` unless `wait` is false; returns the command's exit code. */
export async function runRollout(client: ApiClient, started: Rollout, o: { output: OutputFormat; wait: boolean }): Promise<number> {
  if (!o.wait) {
    if (o.output === 'json') console.log(JSON.stringify(started, null, 2));
    else {
      console.log(String(started.id));
      console.error(`rollout ${started.id} started: ${describeRollout(started)}; follow it with \`meridian history ${started.model}\` or \`meridian events -f --model ${started.model}\``);
    }
    return EXIT_OK;
  }
  let progress: RolloutProgress | undefined;
  if (o.output === 'text') {
    console.log(`Rollout ${started.id}: ${describeRollout(started)}`);
    progress = process.stdout.isTTY ? ttyProgress(process.stdout) : lineProgress((l) => console.log(l));
  }
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let final: Rollout;
  try {
    final = await followRollout(client, started, {
      onUpdate: (r) => progress?.update(r),
      onMessage: (e) => o.output === 'text' && progress?.note(`${e.message}`),
      onFallback: (why) => o.output === 'text' && console.error(`(event stream unavailable: ${why}; polling instead)`),
      signal: interrupt.signal,
    });
  } catch (e) {
    if (!interrupt.signal.aborted) throw e;
    console.error(`\nStopped following; rollout ${started.id} continues on the control plane (\`meridian history ${started.model}\`).`);
    return EXIT_INTERRUPTED;
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress?.finish(final);
  if (o.output === 'json') console.log(JSON.stringify(final, null, 2));
  else console.log(summary(final));
  if (final.status === 'succeeded') return EXIT_OK;
  if (final.status === 'paused') return EXIT_FAILED;
  for (const l of failureLines(final)) console.error(l);
  return EXIT_FAILED;
}
