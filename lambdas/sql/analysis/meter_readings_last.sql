-- The newest reading in the warehouse: forecasts are issued from the end of the data, not from the
-- end of a calendar day (an imported history ends when it ends).
SELECT MAX(interval_start) AS last_at FROM meter_readings;
