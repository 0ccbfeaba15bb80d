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
  /**
   * The day the published results describe the warehouse as of (YYYY-MM-DD): the newest date loaded
   * so far — the run date, unless this execution re-ran older dates, which must not roll the
   * dashboard back.
   */
  asOfDay: string;
  /**
   * The dates whose new data anomaly detection examines, [fromDay, detectToDay]: the execution's
   * dates, at most DETECTION_MAX_DAYS of them (its last). A daily run: the run date alone.
   */
  fromDay: string;
  detectToDay: string;
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
