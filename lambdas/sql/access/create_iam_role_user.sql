-- The database user the Data API maps an IAM role to ("IAMR:<role name>"), created ahead of the
-- role's first statement so it can be granted a role; it logs in with temporary credentials only
-- (https://docs.aws.amazon.com/redshift/latest/mgmt/generating-iam-credentials-user-and-groups.html).
-- The role name is an allow-listed identifier spliced in by lambdas/schema/access.ts.
CREATE USER "IAMR:{iam_role}" PASSWORD DISABLE;
