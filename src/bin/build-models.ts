#!/usr/bin/env node
// Builds the example models (iris v1/v2, the performance MLP, the dtypes test model) into --out
// (default ./models), or reuses them when manifest.json is current, so `npm test` stays fast.
import { resolve } from 'node:path';
import { parseFlags } from '../config/flags.js';
import { isMeridianError, messageOf } from '../core/errors.js';
import { ensureExampleModels, type ExampleModelEntry } from '../examples/index.js';

const USAGE = 'Usage: build-models [--out DIR]   (default: ./models)';

function describe(entry: ExampleModelEntry): string {
  const what = entry.training
    ? `held-out accuracy ${entry.training.testAccuracy.toFixed(3)} (train ${entry.training.trainAccuracy.toFixed(3)})`
    : entry.bytes >= 1e6 ? `${(entry.bytes / 1e6).toFixed(2)} MB` : `${(entry.bytes / 1e3).toFixed(1)} kB`;
  return `${entry.file.padEnd(14)} ${what}  sha256 ${entry.sha256.slice(0, 12)}`;
}

async function main(): Promise<number> {
  const { values } = parseFlags(process.argv.slice(2), { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const outDir = resolve(values.out ?? 'models');
  const started = performance.now();
  const { manifest, rebuilt } = await ensureExampleModels(outDir);
  const elapsedMs = Math.round(performance.now() - started);
  console.log(rebuilt ? `build-models: built ${outDir} in ${elapsedMs} ms` : `build-models: ${outDir} is current (manifest and digests match); not rebuilt`);
  for (const entry of Object.values(manifest.models)) console.log(`  ${describe(entry)}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`build-models: ${messageOf(e)}`);
    if (isMeridianError(e, 'USAGE')) console.error(USAGE);
    process.exitCode = isMeridianError(e, 'USAGE') ? 2 : 1;
  },
);
