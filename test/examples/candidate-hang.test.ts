// iris-bad-hang never answers a request holding a row in its box, and answers others at once. The
// hanging run is native onnxruntime work that no JavaScript timer can interrupt, so it runs in a
// child process that the test kills: nothing keeps spinning after the test.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { buildIrisCandidate, IRIS_CANDIDATES, IRIS_HANG_BOX, insideBox, loadIris } from '../../src/examples/index.js';

/** Loads the model, then runs each row of argv[2] as its own request, printing "answered <ms>" after each. */
const RUNNER = `
import * as ort from 'onnxruntime-node';
const session = await ort.InferenceSession.create(process.argv[1], { intraOpNumThreads: 1, interOpNumThreads: 1 });
process.stdout.write('ready\\n');
for (const row of JSON.parse(process.argv[2])) {
  const started = performance.now();
  await session.run({ input: new ort.Tensor('float32', Float32Array.from(row), [1, 4]) });
  process.stdout.write('answered ' + (performance.now() - started) + '\\n');
}
process.stdout.write('done\\n');
`;

describe('iris-bad-hang', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  const lines: string[] = [];
  let waiters: (() => void)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-hang-'));
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** Resolves with the next line matching `pattern`, or undefined after `ms`. */
  function nextLine(pattern: RegExp, ms: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        resolve(undefined);
      }, ms);
      const check = () => {
        const i = lines.findIndex((l) => pattern.test(l));
        if (i < 0) return;
        clearTimeout(timer);
        waiters = waiters.filter((w) => w !== check);
        resolve(lines.splice(i, 1)[0]);
      };
      waiters.push(check);
      check();
    });
  }

  it('answers a row outside its box at once, then does not answer one inside it within 2 s', async () => {
    const iris = loadIris();
    const quiet = iris.rows.find((row) => !insideBox(row, IRIS_HANG_BOX))!;
    const trigger = iris.rows.find((row) => insideBox(row, IRIS_HANG_BOX))!;
    const candidate = IRIS_CANDIDATES.find((c) => c.key === 'iris-bad-hang')!;
    const model = join(dir, 'iris-bad-hang.onnx');
    await writeFile(model, buildIrisCandidate(candidate).bytes);

    child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, model, JSON.stringify([quiet, trigger])], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      for (const w of [...waiters]) w();
    });

    assert.ok((await nextLine(/^ready$/, 30_000)) !== undefined, 'the model loads');
    const first = await nextLine(/^answered /, 5_000);
    assert.ok(first !== undefined, 'the row outside the box is answered');
    assert.ok(Number(first.split(' ')[1]) < 100, `answered in ${first}`);
    assert.equal(await nextLine(/^(answered|done)/, 2_000), undefined, 'the row inside the box is still running after 2 s');
    assert.equal(child.exitCode, null, 'the runner is alive, busy in onnxruntime');
  });
});
