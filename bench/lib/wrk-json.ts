// How the benches read wrk's results: a Lua done() that prints wrk's summary as one JSON line
// ("WRKJSON {...}": requests, duration, error counts, latency percentiles in µs), appended to each
// bench's own script, and the parser of that line. wrk's text summary rounds and changes units.

/** The Lua `done` function every bench script ends with (a JS string, embedded in template literals as is). */
export const WRK_DONE_LUA = `function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nWRKJSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;

/**
 * The fields of the WRKJSON line in wrk's stdout, 0 for any missing.
 * @throws Error with wrk's stderr (or stdout) when it failed or printed no such line.
 */
export function parseWrkJson(code: number | null, out: string, err: string): (field: string) => number {
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (exit ${code}): ${err.trim() || out.trim()}`);
  const j = JSON.parse(line.slice('WRKJSON '.length)) as Record<string, number>;
  return (k) => j[k] ?? 0;
}
