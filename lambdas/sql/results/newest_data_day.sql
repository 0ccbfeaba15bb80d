-- The newest day with data: the last local day of meter readings or the last trading day of prices.
-- Results describe the warehouse as of this day (an import of 2016 history is published as of its
-- last day, not as of the day it was run; re-running an old date never rolls the dashboard back).
SELECT CAST(MAX(day) AS VARCHAR) AS day
FROM (
  SELECT MAX(day) AS day FROM meter_daily
  UNION ALL
  SELECT MAX(trade_date) AS day FROM market_prices
) newest;
