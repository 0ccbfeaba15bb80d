-- One forecast hour (the analyze step repeats the VALUES row for a batch).
INSERT INTO forecasts (group_id, issued_on, target_hour, model, yhat, lo80, hi80, lo95, hi95)
VALUES (
  :group_id, CAST(:day AS DATE), CAST(:target_hour AS TIMESTAMPTZ), :model,
  CAST(:yhat AS DOUBLE PRECISION), CAST(:lo80 AS DOUBLE PRECISION), CAST(:hi80 AS DOUBLE PRECISION),
  CAST(:lo95 AS DOUBLE PRECISION), CAST(:hi95 AS DOUBLE PRECISION)
);
