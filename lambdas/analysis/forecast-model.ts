/** A forecasting model: fits itself on an hourly history (NaN = missing) and forecasts `horizon` hours. */
export interface ForecastModel {
  name: string;
  /** Fewest history values the model can fit on. */
  minHistory: number;
  forecast(history: Float64Array, horizon: number): Float64Array;
}
