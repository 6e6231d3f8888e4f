// Structured logs: one JSON object per line on stdout, each with a named event. Supervisors (the
// local provider, `meridian up`) read these lines; people can pipe them through jq.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function jsonLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return {
    log(level, event, fields = {}) {
      write(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields }) + '\n');
    },
    child(fields) {
      return jsonLogger({ ...base, ...fields }, write);
    },
  };
}

export const silentLogger: Logger = {
  log() {},
  child() {
    return silentLogger;
  },
};
