// `GET /api/v1/routing-table/stream`: routers watch the routing table as Server-Sent Events — the
// current table at once, then every new one. A router that loses the stream keeps serving its
// last table and reconnects.
import type { RoutingTable } from '../core/routing-table.js';
import type { RequestContext } from './router.js';

export function tableFrame(t: RoutingTable): string {
  return `id: ${t.revision}\nevent: routing-table\ndata: ${JSON.stringify(t)}\n\n`;
}

export function streamRoutingTable(c: RequestContext): Promise<void> {
  const { res, service, options } = c;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let last = -1;
  const send = (t: RoutingTable): void => {
    if (t.revision <= last) return;
    last = t.revision;
    res.write(tableFrame(t));
  };
  const unsubscribe = service.subscribeRoutingTable(send);
  // A router says who it is on its watch, so the control plane can ask it for traffic counts.
  const router = c.query.get('router');
  const unregister = router !== null && /^https?:\/\/[^\s]+$/.test(router) ? service.registerRouter({ url: router, edge: c.query.get('edge') ?? 'unknown' }) : undefined;
  send(service.routingTable());
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), options.keepaliveMs);
  return new Promise((resolve) => {
    res.once('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      unregister?.();
      resolve();
    });
  });
}
