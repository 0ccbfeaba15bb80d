-- One issue date's forecasts, compared with a run's own before they are replaced (a re-run that
-- forecasts the same writes nothing).
SELECT group_id, issued_on AS day, target_hour, model, yhat, lo80, hi80, lo95, hi95
FROM forecasts
WHERE issued_on = CAST(:day AS DATE);
