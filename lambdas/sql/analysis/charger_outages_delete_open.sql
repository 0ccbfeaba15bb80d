-- Removes the open outages before the analysis writes them again (in the same transaction): still
-- broken with their new duration, or ended.
DELETE FROM charger_outages
WHERE ended_at IS NULL;
