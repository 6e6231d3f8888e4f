// Follows a file of JSON log lines (what our processes write) until a line satisfies `until`,
// the writing process exits, or time runs out. Supervisors use it to wait for "ready" events.
import { closeSync, openSync, readSync } from 'node:fs';
import { MeridianError, type ErrorCode } from './errors.js';

export interface FollowOptions<T> {
  /** Returns a value to stop following with, or undefined to keep going. */
  until: (event: Record<string, unknown>) => T | undefined;
  onEvent?: (event: Record<string, unknown>) => void;
  /** Resolves with the exit code when the writer exits. */
  exited?: Promise<number | null>;
  timeoutMs: number;
  /** What we are waiting for, for error messages: "model server ready". */
  waitingFor: string;
  errorCode: ErrorCode;
}

export async function followJsonLog<T>(file: string, o: FollowOptions<T>): Promise<T> {
  let exitCode: number | null | undefined;
  void o.exited?.then((c) => (exitCode = c));
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(64 * 1024);
  let offset = 0;
  let pending = '';
  const tail: string[] = [];
  const deadline = performance.now() + o.timeoutMs;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n > 0) {
        offset += n;
        pending += buf.subarray(0, n).toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          tail.push(line);
          if (tail.length > 20) tail.shift();
          const event = parse(line);
          if (event === undefined) continue;
          o.onEvent?.(event);
          const done = o.until(event);
          if (done !== undefined) return done;
        }
        continue;
      }
      if (exitCode !== undefined) {
        throw new MeridianError(o.errorCode, `exited (code ${exitCode}) before ${o.waitingFor}: ${tail.slice(-3).join(' | ') || 'no output'}`, { logFile: file });
      }
      if (performance.now() > deadline) {
        throw new MeridianError(o.errorCode, `no ${o.waitingFor} after ${o.timeoutMs} ms; see ${file}`, { logFile: file });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    closeSync(fd);
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
