-- planlint corpus data: deterministic (prand() is a hash, no random()), identical on PG 13..18.
-- Run after schema.sql:  psql -X -v ON_ERROR_STOP=1 -d <db> -f corpus/data.sql
-- Expects autovacuum to be off server-wide OR accepts that autovacuum may later vacuum/analyze
-- the tables that do not disable it per table (shipments, page_visits and cart_sessions do).

SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';
SET synchronous_commit = on;         -- async commit would delay hint bits, VACUUM would then not set the visibility map
SET session_replication_role = replica;     -- no FK / trigger work during the bulk load

INSERT INTO regions VALUES
  (1, 'EU', 'Europe'), (2, 'NA', 'North America'), (3, 'SA', 'South America'),
  (4, 'AS', 'Asia'), (5, 'AF', 'Africa'), (6, 'OC', 'Oceania'), (7, 'ME', 'Middle East'),
  (8, 'AN', 'Antarctica');

INSERT INTO countries VALUES
  ('DE', 'Germany',        1, 'EUR', '{Berlin,Hamburg,Munich}'),
  ('FR', 'France',         1, 'EUR', '{Paris,Lyon,Marseille}'),
  ('IT', 'Italy',          1, 'EUR', '{Rome,Milan,Naples}'),
  ('ES', 'Spain',          1, 'EUR', '{Madrid,Barcelona,Valencia}'),
  ('NL', 'Netherlands',    1, 'EUR', '{Amsterdam,Rotterdam,Utrecht}'),
  ('GB', 'United Kingdom', 1, 'GBP', '{London,Manchester,Leeds}'),
  ('SE', 'Sweden',         1, 'SEK', '{Stockholm,Gothenburg,Malmo}'),
  ('PL', 'Poland',         1, 'PLN', '{Warsaw,Krakow,Gdansk}'),
  ('US', 'United States',  2, 'USD', '{"New York",Chicago,Seattle}'),
  ('CA', 'Canada',         2, 'CAD', '{Toronto,Montreal,Vancouver}'),
  ('MX', 'Mexico',         2, 'MXN', '{"Mexico City",Guadalajara,Monterrey}'),
  ('BR', 'Brazil',         3, 'BRL', '{"Sao Paulo",Rio,Brasilia}'),
  ('AR', 'Argentina',      3, 'ARS', '{"Buenos Aires",Cordoba,Rosario}'),
  ('JP', 'Japan',          4, 'JPY', '{Tokyo,Osaka,Nagoya}'),
  ('IN', 'India',          4, 'INR', '{Mumbai,Delhi,Bangalore}'),
  ('CN', 'China',          4, 'CNY', '{Shanghai,Beijing,Shenzhen}'),
  ('ZA', 'South Africa',   5, 'ZAR', '{Johannesburg,"Cape Town",Durban}'),
  ('NG', 'Nigeria',        5, 'NGN', '{Lagos,Abuja,Kano}'),
  ('AU', 'Australia',      6, 'AUD', '{Sydney,Melbourne,Perth}'),
  ('AE', 'United Arab Emirates', 7, 'AED', '{Dubai,"Abu Dhabi",Sharjah}');

-- a 3-level category tree: 6 roots, 18 children, 36 grandchildren
INSERT INTO categories
SELECT i, NULL, 'Department ' || i FROM generate_series(1, 6) i;
INSERT INTO categories
SELECT i, 1 + (i - 7) % 6, 'Category ' || i FROM generate_series(7, 24) i;
INSERT INTO categories
SELECT i, 7 + (i - 25) % 18, 'Subcategory ' || i FROM generate_series(25, 60) i;

INSERT INTO promotions
SELECT i, 'PROMO' || i,
       date '2023-01-01' + (i * 14),
       date '2023-01-01' + (i * 14) + 6,
       round((5 + prand(i, 1) * 25)::numeric, 1)
FROM generate_series(1, 50) i;

-- customers: countries skewed towards the first ones; city determined by country
WITH c AS (
  SELECT code, cities, row_number() OVER (ORDER BY code) - 1 AS k FROM countries
)
INSERT INTO customers
SELECT i,
       'user' || lpad(i::text, 5, '0') || '@'
         || (ARRAY['example.com','mail.test','corp.example','shop.test'])[1 + i % 4],
       (ARRAY['Ada','Alan','Grace','Linus','Barbara','Ken','Edsger','Donald','Frances','John',
              'Margaret','Dennis','Radia','Tim','Sophie','Niklaus'])[1 + floor(prand(i, 3) * 16)::int]
         || ' ' ||
       (ARRAY['Lovelace','Turing','Hopper','Torvalds','Liskov','Thompson','Dijkstra','Knuth',
              'Allen','Backus','Hamilton','Ritchie','Perlman','Berners-Lee','Wilson','Wirth'])[1 + floor(prand(i, 4) * 16)::int],
       c.code,
       c.cities[1 + floor(prand(i, 5) * 3)::int],
       date '2019-01-01' + floor(prand(i, 6) * 2000)::int,
       CASE WHEN prand(i, 7) < 0.60 THEN 'bronze' WHEN prand(i, 7) < 0.85 THEN 'silver'
            WHEN prand(i, 7) < 0.97 THEN 'gold' ELSE 'platinum' END,
       ARRAY(SELECT t FROM unnest(ARRAY['vip','newsletter','b2b','churn-risk','beta','wholesale','mobile','gift'])
                           WITH ORDINALITY AS u(t, n)
             WHERE prand(i * 10 + n, 8) < CASE WHEN t = 'vip' THEN 0.02 ELSE 0.15 END),
       jsonb_build_object(
         'newsletter', prand(i, 9) < 0.3,
         'lang', (ARRAY['en','de','fr','es','ja','pt'])[1 + floor(prand(i, 10) * 6)::int],
         'score', floor(prand(i, 11) * 100)::int,
         'prefs', jsonb_build_object('channel', CASE WHEN prand(i, 12) < 0.8 THEN 'email' ELSE 'sms' END)),
       CASE WHEN prand(i, 13) < 0.97 THEN 'active' ELSE 'inactive' END,
       CASE WHEN prand(i, 14) < 0.2 THEN 'prefers ' || (ARRAY['morning','evening','weekend'])[1 + i % 3] || ' delivery' END,
       NULL
FROM generate_series(1, 50000) i
JOIN c ON c.k = floor(power(prand(i, 2), 2) * 20)::int;

INSERT INTO products
SELECT i,
       'SKU-' || lpad(i::text, 6, '0'),
       (ARRAY['Ergonomic','Rustic','Sleek','Refined','Handmade','Practical','Intelligent','Gorgeous'])[1 + floor(prand(i, 31) * 8)::int]
         || ' ' ||
       (ARRAY['Steel','Wooden','Cotton','Granite','Plastic','Bronze','Rubber','Frozen'])[1 + floor(prand(i, 32) * 8)::int]
         || ' ' ||
       (ARRAY['Chair','Table','Shoes','Gloves','Keyboard','Lamp','Bottle','Backpack','Clock','Mug'])[1 + floor(prand(i, 33) * 10)::int]
         || ' ' || i,
       25 + floor(prand(i, 34) * 36)::int,
       round((1 + prand(i, 35) * 499)::numeric, 2),
       jsonb_build_object('color', (ARRAY['red','green','blue','black','white'])[1 + floor(prand(i, 36) * 5)::int],
                          'weight_g', floor(prand(i, 37) * 5000)::int),
       i > 4800
FROM generate_series(1, 5000) i;

-- orders: customers 45001..50000 never order; low customer ids order more often
INSERT INTO orders
SELECT i,
       cu.id,
       timestamp '2023-01-01' + floor(prand(i, 12) * 730 * 86400) * interval '1 second',
       CASE WHEN prand(i, 13) < 0.80 THEN 'delivered' WHEN prand(i, 13) < 0.88 THEN 'shipped'
            WHEN prand(i, 13) < 0.93 THEN 'pending' WHEN prand(i, 13) < 0.97 THEN 'cancelled'
            ELSE 'returned' END,
       cu.country_code,
       co.currency,
       CASE WHEN prand(i, 14) < 0.5 THEN 'P' || lpad(floor(prand(i, 15) * 1000)::int::text, 4, '0') END,
       round((5 + prand(i, 16) * 495)::numeric, 2),
       'order note ' || md5(i::text)
FROM generate_series(1, 500000) i
JOIN customers cu ON cu.id = 1 + floor(45000 * power(prand(i, 11), 1.5))::int
JOIN countries co ON co.code = cu.country_code;

INSERT INTO order_items
SELECT o.id, l,
       1 + floor(4800 * prand(o.id * 4 + l, 21))::int,
       1 + floor(prand(o.id * 4 + l, 22) * 5)::int,
       round((1 + prand(o.id * 4 + l, 23) * 499)::numeric, 2)
FROM orders o, generate_series(1, 1 + floor(prand(o.id, 20) * 3)::int) l;

INSERT INTO events
SELECT i,
       timestamp '2024-01-01' + floor(prand(i, 41) * 380 * 86400) * interval '1 second',
       1 + floor(prand(i, 42) * 50000)::int,
       (ARRAY['view','view','view','click','click','cart','purchase','signup'])[1 + floor(prand(i, 43) * 8)::int],
       round((prand(i, 44) * 200)::numeric, 2)
FROM generate_series(1, 300000) i;

INSERT INTO page_visits
SELECT i,
       1 + floor(prand(i, 51) * 50000)::int,
       timestamp '2024-01-01' + floor(prand(i, 52) * 365 * 86400) * interval '1 second',
       '/p/' || (1 + floor(prand(i, 53) * 5000)::int)
FROM generate_series(1, 200000) i;

INSERT INTO cart_sessions
SELECT i,
       1 + floor(prand(i, 61) * 50000)::int,
       timestamp '2024-01-01' + i * interval '2 minutes',
       repeat(md5(i::text), 2)
FROM generate_series(1, 200000) i;

-- shipments, phase 1: 2,000 delivered shipments; statistics are taken now ...
INSERT INTO shipments
SELECT i, i,
       (ARRAY['DHL','UPS','FedEx','GLS'])[1 + i % 4],
       'delivered',
       timestamp '2023-01-02' + i * interval '1 hour'
FROM generate_series(1, 2000) i;

RESET session_replication_role;

-- statistics and visibility for everything except the deliberately neglected tables
VACUUM ANALYZE regions, region_audit, countries, categories, promotions, customers, customer_audit,
               products, orders, order_items, events, shipments;
ANALYZE page_visits;                  -- analyzed but never vacuumed
VACUUM ANALYZE cart_sessions;

-- ... then the bulk change that makes them stale (no ANALYZE afterwards)
INSERT INTO shipments
SELECT i, i,
       (ARRAY['DHL','UPS','FedEx','GLS'])[1 + i % 4],
       'in_transit',
       timestamp '2024-06-01' + (i % 5000) * interval '1 minute'
FROM generate_series(2001, 202000) i;

-- 97% of the cart sessions go away; no VACUUM, statistics refreshed so only the bloat remains
DELETE FROM cart_sessions WHERE prand(id, 62) >= 0.03;
ANALYZE cart_sessions;
CHECKPOINT;
