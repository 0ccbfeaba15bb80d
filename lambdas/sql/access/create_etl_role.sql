-- The pipeline's database role: DML on the gridlake tables and temporary tables, no DDL
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_ROLE.html).
CREATE ROLE gridlake_etl;
