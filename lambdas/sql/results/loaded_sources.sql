-- The sources with data in the warehouse (a successful run loaded rows): the overview says which of
-- them are simulated, so a dashboard over real meters never passes simulated figures off as real.
SELECT DISTINCT source FROM etl_runs WHERE status = 'succeeded' AND rows_loaded > 0 ORDER BY source;
