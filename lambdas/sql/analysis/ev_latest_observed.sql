-- The newest charger status snapshot: the EV analysis describes the stations as of this instant
-- (an imported 2023 snapshot is shown as of 2023, not as of the day it was analysed).
SELECT MAX(observed_at) AS latest
FROM charger_status;
