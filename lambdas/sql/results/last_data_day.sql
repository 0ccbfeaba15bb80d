-- The last local day with readings up to the run date: consumption windows end there, so imported
-- history (e.g. a year-old export) is shown instead of an empty window ending today.
SELECT MAX(day) AS day FROM meter_daily WHERE day <= CAST(:as_of AS DATE);
