-- Foreign-data-wrapper and contrib objects for the corpus (not needed by schema.sql users).
-- psql variables: sockdir, port, dbname, csvfile (a path the server may write), async (on|off:
-- async_capable exists from PostgreSQL 14 on).
--   psql -X -v ON_ERROR_STOP=1 -v sockdir=/tmp/planlint-sock -v port=55415 -v dbname=planlint \
--        -v csvfile=/tmp/x/countries.csv -v async=on -f corpus/fdw.sql
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE EXTENSION IF NOT EXISTS tablefunc;
CREATE EXTENSION IF NOT EXISTS tsm_system_rows;

-- postgres_fdw loopback to this very database
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host :'sockdir', port :'port', dbname :'dbname', fetch_size '1000',
             use_remote_estimate 'true');
\if :async
ALTER SERVER loopback OPTIONS (ADD async_capable 'true');
\endif
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback;

CREATE FOREIGN TABLE ft_orders (
    id bigint, customer_id integer, order_date timestamp, status text, ship_country text,
    currency text, promo_code text, total numeric(12,2), note text
) SERVER loopback OPTIONS (schema_name 'public', table_name 'orders');

CREATE FOREIGN TABLE ft_customers (
    id integer, email text, full_name text, country_code text, city text, signup_date date,
    tier text, tags text[], profile jsonb, status text, notes text, updated_at timestamp
) SERVER loopback OPTIONS (schema_name 'public', table_name 'customers');

ANALYZE ft_orders;
ANALYZE ft_customers;

-- file_fdw over a CSV export of countries
COPY (SELECT code, name, region_id, currency FROM countries ORDER BY code) TO :'csvfile' WITH (FORMAT csv);
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE ext_countries (
    code text, name text, region_id smallint, currency text
) SERVER files OPTIONS (filename :'csvfile', format 'csv');
ANALYZE ext_countries;
