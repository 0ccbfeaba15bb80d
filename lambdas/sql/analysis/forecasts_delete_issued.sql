-- Replaces one issue date's forecasts (DELETE, then INSERT in the same transaction).
DELETE FROM forecasts WHERE issued_on = CAST(:day AS DATE);
