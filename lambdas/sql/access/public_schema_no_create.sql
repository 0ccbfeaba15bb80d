-- By default every user (PUBLIC) may CREATE in schema public
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_REVOKE-usage-notes.html): without this the
-- pipeline's users could create permanent tables. The admin (a superuser) keeps creating them.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
