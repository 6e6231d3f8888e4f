// RegionVerifier over real HTTP to each replica (verifyRegion), with the rollout defaults.
import type { GoldenExample } from '../artifacts/golden.js';
import { ROLLOUT_DEFAULTS } from '../core/defaults.js';
import type { RegionVerifier, VerificationResult } from './ports.js';
import { verifyRegion } from './verify.js';

export interface HttpVerifierOptions {
  latencyP99BudgetMs: number;
  latencyRequests: number;
  signal?: AbortSignal;
}

export function httpVerifier(o: HttpVerifierOptions = { latencyP99BudgetMs: ROLLOUT_DEFAULTS.latencyP99BudgetMs, latencyRequests: ROLLOUT_DEFAULTS.latencyRequests }): RegionVerifier {
  return {
    async verify({ model, version, replicas, golden }): Promise<VerificationResult> {
      const report = await verifyRegion({
        model,
        version,
        replicas,
        golden: golden as GoldenExample[],
        latency: { requests: o.latencyRequests, p99BudgetMs: o.latencyP99BudgetMs },
        tolerance: ROLLOUT_DEFAULTS.goldenTolerance,
        ...(o.signal !== undefined ? { signal: o.signal } : {}),
      });
      return {
        ok: report.ok,
        checks: report.checks.map((c) => ({ name: c.name, ok: c.ok, ...(c.status === 'skipped' ? { skipped: true } : {}), detail: c.detail })),
        ...(report.reason !== undefined ? { reason: report.reason } : {}),
      };
    },
  };
}
