-- The application's runtime database role: it reads and writes rows, and owns nothing.
--
-- Run once by the migration role (the owner of the schema, the tables and the record's
-- triggers; POSTGRES_USER in docker-compose.yml) with psql variables, as
-- deploy/postgres-init.sh does when the postgres container initialises its data:
--   psql -v runtime_role=fazhi_app -v runtime_password=... -f deploy/postgres-init.sql
--
-- Only an owner (or a superuser) may TRUNCATE, ALTER TABLE ... DISABLE TRIGGER or DROP
-- TRIGGER: the web, worker and beat connect as the runtime role, so none of them can switch the
-- record's append-only triggers off. Migrations run as the owner (DATABASE_MIGRATE_URL).
\set ON_ERROR_STOP on

CREATE ROLE :"runtime_role" LOGIN PASSWORD :'runtime_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"runtime_role";
GRANT USAGE ON SCHEMA public TO :"runtime_role";
-- Whatever exists already (nothing, on a fresh volume) ...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"runtime_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"runtime_role";
-- ... and every table and sequence the migration role creates from now on. No TRUNCATE,
-- REFERENCES or TRIGGER privilege, no CREATE on the schema.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"runtime_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"runtime_role";
