// Runs a `meridian` command of a benchmark's snapshot (dist-snapshot.ts) and resolves with its
// stdout; rejects with the tail of stderr on a non-zero exit.
import { spawn } from 'node:child_process';

export function runMeridian(cliPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`meridian ${args.join(' ')} exited ${String(code)}: ${err.slice(-1000)}`))));
  });
}
