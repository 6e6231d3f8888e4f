// Runs every compiled test file explicitly (node --test on Node 20 finds nothing without paths and
// still exits 0) and fails when no test ran, so CI can never pass on an empty suite.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = find('dist/test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
let passed = 0;
let failed = 0;
let skipped = 0;
const stream = run({ files, concurrency: Number(process.env.TEST_CONCURRENCY ?? 2), timeout: 300_000 });
stream.on('test:pass', (e) => {
  if (e.details?.type === 'suite') return;
  if (e.skip || e.todo) skipped++;
  else passed++;
});
stream.on('test:fail', (e) => {
  if (e.details?.type === 'suite') return;
  failed++;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  const total = passed + failed;
  console.log(`\nrun-tests: ${files.length} files, ${total} tests, ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (total === 0) {
    console.error('run-tests: zero tests ran: that is a failure, not a pass');
    process.exitCode = 1;
  } else if (failed > 0 || skipped > 0) {
    if (skipped > 0) console.error('run-tests: a skipped test is not a pass');
    process.exitCode = 1;
  }
});
