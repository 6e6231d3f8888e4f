// What release analysis reads and what it answers: samples of request attempts as the routers
// recorded them, and one verdict per judge (ARCHITECTURE.md: "Analysis / Verdict").

/** One sampled output tensor of a response: OIP `outputs[i]` with its first few data values. */
export interface SampledTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

/** One request attempt's outcome as a router recorded it. */
export interface AnalysisSample {
  region: string;
  version: string;
  /** Epoch ms when the answer (or the failure) arrived. */
  time: number;
  latencyMs: number;
  /** HTTP status; the router records 502 for connection errors and 504 for timeouts. */
  status: number;
  /** OIP outputs, the first few values of each; [] on errors. */
  outputs: SampledTensor[];
  /** A shadow copy: the candidate answered a mirrored request and its answer went nowhere. */
  mirror: boolean;
  /** The same for a request's primary answer and its mirror copy (shadow-agreement pairs on it). */
  requestId?: string;
}

/** fail: the candidate is worse; inconclusive: not enough data to say; pass: no evidence it is worse. */
export type VerdictResult = 'pass' | 'fail' | 'inconclusive';

export type JudgeName = 'error-rate' | 'latency-p99' | 'latency-mann-whitney' | 'output-shift' | 'shadow-agreement';

export interface JudgeVerdict {
  judge: JudgeName;
  result: VerdictResult;
  /** One sentence a user understands, with the numbers: "candidate error rate 12.0% (24/200) > 1.0%". */
  reason: string;
  /** What the judge measured; null where there was nothing to measure. */
  measured: Record<string, number | null>;
  /** The thresholds it applied, by their override names (AnalysisConfig). */
  thresholds: Record<string, number>;
  /** How many samples (or pairs) of each side it used. */
  samples: { candidate: number; baseline: number };
}
