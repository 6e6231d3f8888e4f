// Every bad `meridian deploy` (and a few other commands) fails locally with exit 2 and a message
// that names the problem and the fix. MERIDIAN_API_URL points at a closed port: a command that
// reached for the network would say "cannot reach the control plane" instead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/processes.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const DEPLOY_CASES: [string, string[], RegExp][] = [
  ['a space between regions', ['--regions', 'us-west1', 'europe-west1', 'iris:v2'], /--regions: "us-west1 europe-west1" has a space; separate regions with commas: --regions us-west1,europe-west1/],
  ['brackets', ['--regions', '[us-west1,europe-west1]', 'iris:v2'], /without brackets or quotes: --regions us-west1,europe-west1/],
  ['an unknown region', ['--regions', 'us-east-1,eu-wset-1', 'iris:v2'], /unknown region "eu-wset-1" \(did you mean eu-west-1/],
  ['a duplicate region', ['--regions', 'us-east-1,us-east-1', 'iris:v2'], /region "us-east-1" is listed twice/],
  ['an empty entry', ['--regions', 'us-east-1,,eu-west-1', 'iris:v2'], /has an empty entry; remove the extra comma/],
  ['an empty list', ['--regions', '', 'iris:v2'], /--regions is empty; name at least one region/],
  ['no regions at all', ['iris:v2'], /--regions is empty/],
  ['no MODEL:VERSION', ['--regions', 'us-east-1'], /missing MODEL:VERSION; e\.g\. meridian deploy iris:v2/],
  ['a model without version', ['--regions', 'us-east-1', 'iris'], /MODEL:VERSION: "iris" has no version; write iris:VERSION/],
  ['two colons', ['--regions', 'us-east-1', 'iris:v2:x'], /"iris:v2:x" is not MODEL:VERSION/],
  ['an empty version', ['--regions', 'us-east-1', 'iris:'], /"iris:" is not MODEL:VERSION/],
  ['a bad model name', ['--regions', 'us-east-1', 'ir/is:v2'], /MODEL: "ir\/is" contains "\/"/],
  ['--parallel 0', ['--regions', 'us-east-1', '--parallel', '0', 'iris:v2'], /--parallel: "0" is not a whole number ≥ 1/],
  ['--parallel 1.5', ['--regions', 'us-east-1', '--parallel', '1.5', 'iris:v2'], /--parallel: "1\.5" is not a whole number ≥ 1/],
  ['--parallel two', ['--regions', 'us-east-1', '--parallel', 'two', 'iris:v2'], /--parallel: "two" is not a whole number/],
  ['--parallel with --waves', ['--parallel', '2', '--waves', 'us-east-1;eu-west-1', 'iris:v2'], /--parallel and --waves cannot be used together/],
  ['a region in two waves', ['--waves', 'us-east-1;us-east-1,eu-west-1', 'iris:v2'], /--waves: region "us-east-1" is in waves 1 and 2/],
  ['an empty wave', ['--waves', 'us-east-1;;eu-west-1', 'iris:v2'], /--waves: wave 2 of "us-east-1;;eu-west-1" is empty/],
  ['an unknown region in a wave', ['--waves', 'us-east-1;eu-wset-1', 'iris:v2'], /--waves: unknown region "eu-wset-1" \(did you mean eu-west-1/],
  ['waves and regions that differ', ['--regions', 'us-east-1,eu-west-1', '--waves', 'us-east-1;ap-southeast-1', 'iris:v2'], /--waves must hold the same regions as --regions \(missing from --waves: eu-west-1; not in --regions: ap-southeast-1\)/],
  ['a bad --on-failure', ['--regions', 'us-east-1', '--on-failure', 'explode', 'iris:v2'], /--on-failure: "explode" must be halt .* or rollback/],
  ['a bad --replicas', ['--regions', 'us-east-1', '--replicas', '0', 'iris:v2'], /--replicas: "0" is not a whole number between 1 and 64/],
  ['a bad --output', ['--regions', 'us-east-1', '--output', 'yaml', 'iris:v2'], /--output: "yaml" is not a format we write; use --output json/],
  ['an unknown flag', ['--region', 'us-east-1', 'iris:v2'], /Unknown option '--region'/],
  ['an extra argument', ['--regions', 'us-east-1', 'iris:v2', 'now'], /unexpected argument "now"/],
];

describe('CLI argument checks (no network)', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-cli-args-'));
  let env: NodeJS.ProcessEnv;
  before(async () => {
    env = { ...process.env, MERIDIAN_HOME: home, MERIDIAN_API_URL: `http://127.0.0.1:${await closedPort()}`, MERIDIAN_TOKEN: 'unused-token' };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const [what, args, message] of DEPLOY_CASES) {
    it(`deploy refuses ${what} (exit 2)`, async () => {
      const r = await runCli(['deploy', ...args], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /cannot reach/);
      assert.equal(r.stdout, '');
    });
  }

  it('a valid deploy gets as far as the network (exit 1, says how to fix it)', async () => {
    const r = await runCli(['deploy', '--regions', 'us-east-1,eu-west-1', '--waves', 'eu-west-1;us-east-1', 'iris:v2'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot reach the control plane at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is it running\? `meridian up` starts one/);
  });

  it('without a config or MERIDIAN_API_URL, says to run `meridian up` (exit 1)', async () => {
    const r = await runCli(['status'], { ...process.env, MERIDIAN_HOME: home, MERIDIAN_API_URL: '', MERIDIAN_TOKEN: '' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no control-plane URL: run `meridian up` \(it writes .*config\.json\) or set MERIDIAN_API_URL and MERIDIAN_TOKEN/);
  });

  const OTHER_CASES: [string[], RegExp][] = [
    [['models', 'push', join(home, 'missing.onnx'), '--name', 'iris', '--version', 'v3'], /FILE: ".*missing\.onnx" does not exist/],
    [['models', 'push', '--name', 'iris', '--version', 'v3'], /missing FILE/],
    [['models', 'push', fileURLToPath(import.meta.url), '--name', 'iris', '--version', 'v3', '--residency', 'EU,Mars'], /--residency: unknown jurisdiction "MARS"/],
    [['rollback', 'iris:v1'], /MODEL: "iris:v1" names a version; meridian rollback takes the model alone/],
    [['rollback', 'iris', '--regions', 'eu-west-1', 'us-east-1'], /has a space/],
    [['history'], /missing MODEL/],
    [['regions', '--provider', 'ibm'], /--provider: "ibm" is not one of aws, gcp, azure/],
    [['events', '--region', 'us-east-1,eu-west-1'], /--region takes one region/],
    [['tokens', 'create', 'ci', '--role', 'root'], /--role "root" is not a role: use viewer/],
    [['tokens', 'revoke', 'abc'], /ID: "abc" is not a token id/],
    [['tokens', 'rotate'], /unknown subcommand "rotate"; use one of create, list, revoke/],
  ];
  for (const [args, message] of OTHER_CASES) {
    it(`${args.slice(0, 2).join(' ')} refuses bad input: ${message.source.slice(0, 40)}`, async () => {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it('every command has --help (exit 0)', async () => {
    for (const c of [['deploy'], ['rollback'], ['status'], ['history'], ['events'], ['regions'], ['models'], ['models', 'push'], ['tokens'], ['tokens', 'create']]) {
      const r = await runCli([...c, '--help'], env);
      assert.equal(r.code, 0, `${c.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: meridian/);
    }
    const top = await runCli(['--help'], env);
    for (const name of ['models', 'deploy', 'rollback', 'status', 'history', 'events', 'regions', 'tokens']) assert.match(top.stdout, new RegExp(`\\n  ${name}\\s`));
  });
});
