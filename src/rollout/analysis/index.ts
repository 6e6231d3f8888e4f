// Release analysis: pure judges comparing a candidate version's sampled requests with the baseline's.
export { DEFAULT_ANALYSIS, resolveAnalysis } from './config.js';
export type { AnalysisConfig, AnalysisKey, AnalysisOverrides } from './config.js';
export { judgeAll, judgeErrorRate, judgeLatencyMannWhitney, judgeLatencyP99, judgeOutputShift, judgeShadowAgreement, overall } from './judges.js';
export { predictionsOf, predictionsOfAll } from './predictions.js';
export type { Predictions } from './predictions.js';
export type { AnalysisSample, JudgeName, JudgeVerdict, SampledTensor, VerdictResult } from './types.js';
