/**
 * One analysis = one module that reads what it needs from the warehouse (aggregates, not rows),
 * runs its pure model from lambdas/analysis/, writes its warehouse table(s) and returns the JSON
 * files (per the contract in lambdas/contract/results.ts) for the dashboard.
 */
import type { AnalyzeInput } from '../../contract/manifests';
import type { StepPorts } from '../ports';

export interface AnalysisContext {
  input: AnalyzeInput;
  ports: StepPorts;
  /** The run date (YYYY-MM-DD): results describe the warehouse as of the end of this day. */
  asOfDay: string;
  /**
   * First day of new data to examine (anomaly detection): the execution's first date, at most
   * DETECTION_MAX_DAYS before asOfDay. A daily run: asOfDay itself.
   */
  fromDay: string;
}

export interface AnalysisResult {
  /** File name relative to data/ (see RESULT_FILES) → JSON-serialisable content. */
  files: Record<string, unknown>;
  /** Counts for the run log, e.g. { anomalies: 12 }. */
  counts: Record<string, number>;
}

export interface Analysis {
  name: string;
  run(ctx: AnalysisContext): Promise<AnalysisResult>;
}
