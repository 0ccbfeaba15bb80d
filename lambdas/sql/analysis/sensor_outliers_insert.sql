-- One outlier minute of one channel (the analyze step repeats the VALUES row for a batch).
INSERT INTO sensor_outliers (device_id, minute, channel, value, expected, score, rule)
VALUES (
  :device_id, CAST(:minute AS TIMESTAMPTZ), :channel, CAST(:value AS DOUBLE PRECISION),
  CAST(:expected AS DOUBLE PRECISION), CAST(:score AS DOUBLE PRECISION), :rule
);
