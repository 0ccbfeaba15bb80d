SELECT COUNT(*) AS n FROM svv_roles WHERE role_name = :role_name;
