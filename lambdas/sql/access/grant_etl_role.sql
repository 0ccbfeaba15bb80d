GRANT ROLE gridlake_etl TO "IAMR:{iam_role}";
