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
   * The day the published results describe the warehouse as of (YYYY-MM-DD): the newest day with
   * data (readings or prices), whatever the run's date — an imported 2016 history is shown as of its
   * last day; re-running an older date never rolls the dashboard back.
   */
  asOfDay: string;
  /**
   * The execution's dates, [fromDay, detectToDay] (threshold rules on monthly usage read their months).
   * Meter anomalies instead cover the local days the execution's loads touched (./anomalies.ts).
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
