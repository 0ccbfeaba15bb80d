SELECT COUNT(*) AS n FROM pg_user WHERE usename = :user_name;
