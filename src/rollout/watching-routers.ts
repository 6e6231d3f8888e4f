// The routers watching the routing table right now, by URL (each announces itself when it
// subscribes and is forgotten when it leaves). The control plane reads them for traffic shares
// (their /stats), analysis samples (their /samples) and its own metrics.

/** Request counts per model and region, as a router's /stats reports them. */
export type RouterCounts = Record<string, Record<string, number>>;

/** How long a router's /stats may take before it counts as having served nothing. */
const STATS_TIMEOUT_MS = 500;

export class WatchingRouters {
  private readonly byUrl = new Map<string, { edge: string }>();

  /** Adds a router; the returned function removes it. */
  register(r: { url: string; edge: string }): () => void {
    this.byUrl.set(r.url, { edge: r.edge });
    return () => this.byUrl.delete(r.url);
  }

  get size(): number {
    return this.byUrl.size;
  }

  urls(): string[] {
    return [...this.byUrl.keys()];
  }

  list(): { url: string; edge: string }[] {
    return [...this.byUrl.entries()].map(([url, r]) => ({ url, edge: r.edge }));
  }

  /** Each router's request counts per model and region; a router that does not answer in time counts as none. */
  counts(): Promise<RouterCounts[]> {
    return Promise.all(
      this.urls().map(async (url) => {
        try {
          const r = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(STATS_TIMEOUT_MS) });
          return ((await r.json()) as { requests: RouterCounts }).requests;
        } catch {
          return {};
        }
      }),
    );
  }
}
