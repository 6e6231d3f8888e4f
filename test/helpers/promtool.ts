import { spawn } from 'node:child_process';

/** Runs Prometheus' own linter over exposition text; returns its exit code and complaints. */
export function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => resolve({ code, output }));
    p.stdin.end(text);
  });
}
