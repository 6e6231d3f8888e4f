// The HAProxy 2.6 configuration bench:router compares the Meridian router with: one thread (the
// same single core the router gets), HTTP keep-alive on both sides, least-outstanding balancing
// over the same backends (leastconn counts requests in flight, which is what the router's power of
// two choices compares), and active health checks on the OIP ready path at the router's own
// interval and thresholds (250 ms, fall 2, rise 2), so neither side skips work the other does.
// No logging: the router logs nothing per request either.

export interface HaproxyConfigOptions {
  port: number;
  backends: { name: string; port: number }[];
  /** `leastconn` (default) or `roundrobin`. */
  balance?: 'leastconn' | 'roundrobin';
  /** The health-check path, e.g. /v2/models/iris/versions/v2/ready. */
  checkPath: string;
  /** Health check interval in ms (the router's ENGINE_DEFAULTS.healthIntervalMs). */
  checkIntervalMs: number;
  fall: number;
  rise: number;
  maxconn: number;
}

export function haproxyConfig(o: HaproxyConfigOptions): string {
  const servers = o.backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} check inter ${o.checkIntervalMs} fall ${o.fall} rise ${o.rise}`);
  return [
    'global',
    '    nbthread 1',
    `    maxconn ${o.maxconn}`,
    '',
    'defaults',
    '    mode http',
    '    option http-keep-alive',
    '    timeout connect 2s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    timeout http-keep-alive 30s',
    `    maxconn ${o.maxconn}`,
    '',
    'frontend bench_in',
    `    bind 127.0.0.1:${o.port}`,
    '    default_backend bench_models',
    '',
    'backend bench_models',
    `    balance ${o.balance ?? 'leastconn'}`,
    `    option httpchk GET ${o.checkPath}`,
    '    http-check expect status 200',
    ...servers,
    '',
  ].join('\n');
}
