SELECT COUNT(*) AS n FROM svv_user_grants WHERE user_name = :user_name AND role_name = :role_name;
