-- The first local day with readings: the dashboard's date range reaches back to it.
SELECT CAST(MIN(day) AS VARCHAR) AS day FROM meter_daily;
