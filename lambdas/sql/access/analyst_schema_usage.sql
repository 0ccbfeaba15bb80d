GRANT USAGE ON SCHEMA public TO ROLE gridlake_analyst;
