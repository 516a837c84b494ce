-- planlint corpus schema (PostgreSQL 13+; also the DDL for integration tests on a fresh PG 15).
--
--   psql -X -v ON_ERROR_STOP=1 -d <db> -f corpus/schema.sql
--   psql -X -v ON_ERROR_STOP=1 -d <db> -f corpus/data.sql       (deterministic data, ~1 min)
--
-- Extensions used: pg_trgm (trigram index). plpgsql is built in.
-- Foreign tables (postgres_fdw / file_fdw) are set up separately by corpus/fdw.sql because they
-- need the server's port and a file path.
--
-- Deliberate "problems" in this schema (the detectors must find them in the plans):
--   * orders.promo_code has no index although queries filter on it (selective seq scans);
--   * order_items.product_id references products(id) but has no index, so a DELETE on products
--     makes the RI trigger scan order_items;
--   * shipments has statistics that are stale after a bulk insert (autovacuum disabled);
--   * page_visits is never vacuumed (index-only scans need heap fetches);
--   * cart_sessions lost 97% of its rows without a VACUUM (reads many pages per row);
--   * customers.country_code and customers.city are fully correlated, and so are
--     orders.ship_country and orders.currency (no extended statistics => misestimates);
--   * customers.email has a plain btree index, queries use lower(email) (non-sargable).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Deterministic pseudo-random number in [0,1) for (i, salt). hashint8 is the stable hash that
-- hash indexes and hash partitioning rely on, so the data are identical on every major version
-- (random() changed its generator in PostgreSQL 15).
CREATE FUNCTION prand(i bigint, salt integer) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT (hashint8(i * 1000003 + salt) & 2147483647)::double precision / 2147483648.0 $$;

-- small lookup tables ---------------------------------------------------------------------------
CREATE TABLE regions (
    id      smallint PRIMARY KEY,
    code    text NOT NULL UNIQUE,
    name    text NOT NULL
);

CREATE TABLE region_audit (
    region_id   smallint,
    old_name    text,
    new_name    text,
    changed_at  timestamp
);

-- a DO ALSO rule: an UPDATE on regions is rewritten into two statements (two plans per EXPLAIN)
CREATE RULE regions_audit AS ON UPDATE TO regions
    DO ALSO INSERT INTO region_audit VALUES (old.id, old.name, new.name, timestamp '2025-01-01');

CREATE TABLE countries (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    region_id   smallint NOT NULL REFERENCES regions,
    currency    text NOT NULL,
    cities      text[] NOT NULL
);

CREATE TABLE categories (
    id          integer PRIMARY KEY,
    parent_id   integer REFERENCES categories,
    name        text NOT NULL
);

CREATE TABLE promotions (
    id          integer PRIMARY KEY,
    code        text NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    pct         numeric(4,1) NOT NULL
);

-- customers: 50,000 rows ------------------------------------------------------------------------
CREATE TABLE customers (
    id              integer PRIMARY KEY,
    email           text NOT NULL,
    full_name       text NOT NULL,
    country_code    text NOT NULL REFERENCES countries,
    city            text NOT NULL,
    signup_date     date NOT NULL,
    tier            text NOT NULL,
    tags            text[] NOT NULL,
    profile         jsonb NOT NULL,
    status          text NOT NULL,
    notes           text,
    updated_at      timestamp
);
CREATE UNIQUE INDEX customers_email_key ON customers (email);
CREATE INDEX customers_country_code_idx ON customers (country_code);
CREATE INDEX customers_signup_date_idx ON customers (signup_date);
CREATE INDEX customers_tags_gin ON customers USING gin (tags);
CREATE INDEX customers_profile_gin ON customers USING gin (profile);

CREATE TABLE customer_audit (
    id          bigserial PRIMARY KEY,
    customer_id integer NOT NULL,
    old_tier    text,
    new_tier    text,
    changed_at  timestamp NOT NULL
);

-- row-level BEFORE trigger
CREATE FUNCTION customers_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := timestamp '2025-01-01 00:00:00';
    RETURN NEW;
END $$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_touch();

-- statement-level AFTER trigger with transition tables (Named Tuplestore Scan)
CREATE FUNCTION customers_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_audit (customer_id, old_tier, new_tier, changed_at)
    SELECT n.id, o.tier, n.tier, timestamp '2025-01-01 00:00:00'
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE n.tier IS DISTINCT FROM o.tier;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_audit AFTER UPDATE ON customers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_audit();

-- products: 5,000 rows (ids 4801..5000 are never ordered) ---------------------------------------
CREATE TABLE products (
    id              integer PRIMARY KEY,
    sku             text NOT NULL UNIQUE,
    name            text NOT NULL,
    category_id     integer NOT NULL REFERENCES categories,
    price           numeric(10,2) NOT NULL,
    attrs           jsonb NOT NULL,
    discontinued    boolean NOT NULL
);
CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);
CREATE INDEX products_category_idx ON products (category_id);

-- orders: 500,000 rows --------------------------------------------------------------------------
CREATE TABLE orders (
    id              bigint PRIMARY KEY,
    customer_id     integer NOT NULL REFERENCES customers,
    order_date      timestamp NOT NULL,
    status          text NOT NULL,
    ship_country    text NOT NULL,
    currency        text NOT NULL,
    promo_code      text,              -- deliberately NOT indexed
    total           numeric(12,2) NOT NULL,
    note            text NOT NULL
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_order_date_idx ON orders (order_date);
CREATE INDEX orders_status_idx ON orders (status);

-- order_items: ~1,000,000 rows ------------------------------------------------------------------
CREATE TABLE order_items (
    order_id    bigint NOT NULL REFERENCES orders,
    line_no     smallint NOT NULL,
    product_id  integer NOT NULL REFERENCES products,   -- deliberately NOT indexed
    qty         integer NOT NULL,
    unit_price  numeric(10,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- events: range-partitioned by month (12 months of 2024 + default), ~300,000 rows ---------------
CREATE TABLE events (
    id          bigint NOT NULL,
    created_at  timestamp NOT NULL,
    customer_id integer NOT NULL,
    kind        text NOT NULL,
    value       numeric(10,2) NOT NULL
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE events_2024_03 PARTITION OF events FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
CREATE TABLE events_2024_04 PARTITION OF events FOR VALUES FROM ('2024-04-01') TO ('2024-05-01');
CREATE TABLE events_2024_05 PARTITION OF events FOR VALUES FROM ('2024-05-01') TO ('2024-06-01');
CREATE TABLE events_2024_06 PARTITION OF events FOR VALUES FROM ('2024-06-01') TO ('2024-07-01');
CREATE TABLE events_2024_07 PARTITION OF events FOR VALUES FROM ('2024-07-01') TO ('2024-08-01');
CREATE TABLE events_2024_08 PARTITION OF events FOR VALUES FROM ('2024-08-01') TO ('2024-09-01');
CREATE TABLE events_2024_09 PARTITION OF events FOR VALUES FROM ('2024-09-01') TO ('2024-10-01');
CREATE TABLE events_2024_10 PARTITION OF events FOR VALUES FROM ('2024-10-01') TO ('2024-11-01');
CREATE TABLE events_2024_11 PARTITION OF events FOR VALUES FROM ('2024-11-01') TO ('2024-12-01');
CREATE TABLE events_2024_12 PARTITION OF events FOR VALUES FROM ('2024-12-01') TO ('2025-01-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE INDEX events_created_at_idx ON events (created_at);
CREATE INDEX events_customer_id_idx ON events (customer_id);
ALTER TABLE events ADD PRIMARY KEY (created_at, id);

-- shipments: statistics go stale (ANALYZE at 2,000 rows, then +200,000 rows) -------------------
CREATE TABLE shipments (
    id          bigint PRIMARY KEY,
    order_id    bigint NOT NULL,
    carrier     text NOT NULL,
    status      text NOT NULL,
    shipped_at  timestamp NOT NULL
) WITH (autovacuum_enabled = false);
CREATE INDEX shipments_status_idx ON shipments (status);

-- page_visits: never vacuumed (visibility map empty => heap fetches in index-only scans) --------
CREATE TABLE page_visits (
    id          bigint NOT NULL,
    customer_id integer NOT NULL,
    visited_at  timestamp NOT NULL,
    url         text NOT NULL
) WITH (autovacuum_enabled = false);
CREATE INDEX page_visits_customer_visited_idx ON page_visits (customer_id, visited_at);

-- cart_sessions: 97% of rows deleted and never vacuumed (bloat) ---------------------------------
CREATE TABLE cart_sessions (
    id          bigint PRIMARY KEY,
    customer_id integer NOT NULL,
    started_at  timestamp NOT NULL,
    payload     text NOT NULL
) WITH (autovacuum_enabled = false);
CREATE INDEX cart_sessions_started_at_idx ON cart_sessions (started_at);
