// What every benchmark reads from its environment and how it files its results: numbers from
// BENCH_* variables (refused with an example when malformed), and bench/results/<kind>-<date>[-<BENCH_TAG>].json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}: "${raw}" is not a number ≥ ${min}; e.g. ${name}=${fallback}`);
  return n;
}

/** Writes `result` as bench/results/<kind>-<YYYY-MM-DD>[-<BENCH_TAG>].json under `root`; returns the path. */
export function writeResults(root: string, kind: string, startedAt: Date | string, result: unknown): string {
  const outDir = resolve(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const tag = process.env.BENCH_TAG === undefined || process.env.BENCH_TAG === '' ? '' : `-${process.env.BENCH_TAG.replace(/[^\w.-]/g, '_')}`;
  const date = (typeof startedAt === 'string' ? startedAt : startedAt.toISOString()).slice(0, 10);
  const file = resolve(outDir, `${kind}-${date}${tag}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
