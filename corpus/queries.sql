-- planlint corpus query set.
--
-- Each block starts with "-- name: <query>" and may carry these header lines:
--   -- what: <what the plan exercises>                       (required; copied to queries.md)
--   -- majors: 14+ | 13-15 | 17+ ...                        (default: all majors)
--   -- needs: jit | fdw | contrib                           (skipped where not available)
--   -- dml: yes                                             (wrapped in BEGIN; ... ROLLBACK;)
--   -- extra: wal costs_off serialize_memory psql psqlx     (extra variants on top of the default
--                                                             analyze/verbose/timing_off/plain)
--   -- only: generic_plan                                   (capture only these variants)
-- The remaining lines are SQL statements, each ending with ";" at the end of a line. All but
-- the last are session setup (SET, PREPARE ...); the last one is the statement being EXPLAINed.
-- Every capture is a fresh psql session, so SET lines apply to that capture only.

-- ===================================================================== healthy / basic nodes

-- name: pk_lookup
-- what: healthy primary-key lookup (Index Scan, 1 row); must stay quiet
-- extra: costs_off psql psqlx serialize_memory
SELECT * FROM customers WHERE id = 4242;

-- name: small_hash_join
-- what: healthy small in-memory Hash Join (products x categories lookup table)
-- extra: costs_off psql
SELECT p.sku, p.price, c.name AS category
FROM products p JOIN categories c ON c.id = p.category_id
WHERE p.price < 20;

-- name: partition_pruned_plan_time
-- what: healthy well-pruned partition scan (plan-time pruning: one partition of events)
SELECT count(*), sum(value) FROM events
WHERE created_at >= '2024-03-01' AND created_at < '2024-03-08';

-- name: result_constant
-- what: Result node without children (SELECT of constants)
SELECT 1 AS one, 'two'::text AS two, 3.0 * 2 AS six;

-- name: result_one_time_filter
-- what: Result with One-Time Filter above a scan (stable qual that references no column)
SELECT * FROM regions WHERE now() > timestamp '2000-01-01';

-- name: project_set
-- what: ProjectSet (set-returning functions in the target list)
SELECT r.code, generate_series(1, 3) AS n, unnest(ARRAY['a', 'b']) AS letter FROM regions r;

-- name: values_scan
-- what: Values Scan joined to a table
SELECT v.id, v.label, r.name
FROM (VALUES (1, 'first'), (3, 'third'), (5, 'fifth')) AS v(id, label)
JOIN regions r ON r.id = v.id;

-- name: function_scan
-- what: Function Scan (generate_series in FROM) with a Filter
SELECT g.i FROM generate_series(1, 10000) AS g(i) WHERE g.i % 1000 = 0;

-- name: function_scan_lateral
-- what: Function Scan per outer row (jsonb_each in a LATERAL nested loop, loops > 1)
SELECT c.id, kv.key, kv.value
FROM customers c, LATERAL jsonb_each(c.profile) AS kv
WHERE c.id <= 200;

-- name: function_scan_crosstab
-- what: Function Scan on tablefunc's crosstab()
-- needs: contrib
SELECT * FROM crosstab(
  'SELECT region_id, currency, count(*)::int FROM countries GROUP BY 1, 2 ORDER BY 1, 2',
  'SELECT DISTINCT currency FROM countries WHERE currency IN (''EUR'', ''USD'', ''GBP'') ORDER BY 1'
) AS ct(region_id smallint, eur int, gbp int, usd int);

-- name: table_function_xmltable
-- what: Table Function Scan on "xmltable"
SELECT x.*
FROM XMLTABLE('/catalog/item' PASSING
  xmlparse(document '<catalog><item sku="A-1"><qty>3</qty></item><item sku="B-2"><qty>7</qty></item></catalog>')
  COLUMNS sku text PATH '@sku', qty integer PATH 'qty') AS x;

-- name: table_function_json_table
-- what: Table Function Scan on "json_table" (PostgreSQL 17+)
-- majors: 17+
SELECT c.id, jt.*
FROM customers c,
     JSON_TABLE(c.profile, '$' COLUMNS (lang text PATH '$.lang', score int PATH '$.score',
                                        channel text PATH '$.prefs.channel')) AS jt
WHERE c.id <= 100;

-- name: sample_scan
-- what: Sample Scan (TABLESAMPLE BERNOULLI with REPEATABLE)
SELECT count(*), avg(total) FROM orders TABLESAMPLE BERNOULLI (1) REPEATABLE (42);

-- name: sample_scan_system_rows
-- what: Sample Scan with tsm_system_rows (contrib sampling method)
-- needs: contrib
SELECT id, email FROM customers TABLESAMPLE SYSTEM_ROWS (20);

-- name: tid_scan
-- what: Tid Scan (ctid = ... OR ctid = ...)
SELECT id, status FROM orders WHERE ctid = '(10,1)' OR ctid = '(20,2)';

-- name: tid_range_scan
-- what: Tid Range Scan (PostgreSQL 14+)
-- majors: 14+
SELECT count(*) FROM orders WHERE ctid < '(100,0)';

-- name: index_scan_backward_window
-- what: Index Scan Backward feeding a WindowAgg; Run Condition on 15+ (rn <= 5), Subquery Scan
SET enable_sort = off;
SELECT * FROM (
  SELECT id, email, signup_date, row_number() OVER (ORDER BY signup_date DESC) AS rn
  FROM customers
) s WHERE rn <= 5;

-- name: window_partitioned
-- what: WindowAgg over a Sort with PARTITION BY, several window functions, Subquery Scan filter
SELECT * FROM (
  SELECT o.id, o.customer_id, o.total,
         row_number() OVER w AS rn,
         sum(o.total) OVER w AS running_total,
         rank() OVER (PARTITION BY o.customer_id ORDER BY o.total DESC) AS total_rank
  FROM orders o
  WHERE o.customer_id <= 300
  WINDOW w AS (PARTITION BY o.customer_id ORDER BY o.order_date)
) s WHERE rn <= 2;

-- name: initplan_minmax
-- what: InitPlan (min/max optimisation: Limit over Index Scan Backward) feeding an Index Scan
SELECT id, email FROM customers WHERE signup_date = (SELECT max(signup_date) FROM customers);

-- name: subplan_correlated
-- what: correlated SubPlan executed 5,000 times (scalar subquery per customer row)
SELECT c.id,
       (SELECT max(o.order_date) FROM orders o WHERE o.customer_id = c.id) AS last_order
FROM customers c
WHERE c.id <= 5000;

-- name: subplan_hashed
-- what: hashed SubPlan (NOT IN over a subquery)
SELECT count(*) FROM customers c
WHERE c.id NOT IN (SELECT o.customer_id FROM orders o WHERE o.order_date >= '2024-12-01');

-- name: subplan_exists_or
-- what: correlated EXISTS SubPlan (OR'ed, so no semi-join; non-equality correlation, so not hashed)
SELECT count(*) FROM customers c
WHERE c.id <= 2000
  AND (c.tier = 'platinum'
       OR EXISTS (SELECT 1 FROM orders o
                  WHERE o.customer_id = c.id AND o.order_date < c.signup_date + 400));

-- name: subplan_array_all
-- what: ARRAY(SubPlan) in the target list and <> ALL (SubPlan) in the filter
SELECT r.name,
       ARRAY(SELECT c.code FROM countries c WHERE c.region_id = r.id ORDER BY c.code) AS countries
FROM regions r
WHERE r.id <> ALL (SELECT co.region_id FROM countries co WHERE co.currency = 'EUR');

-- name: cte_materialized_discard
-- what: CTE Scan over a MATERIALIZED CTE that discards most of the CTE's rows
WITH recent AS MATERIALIZED (
  SELECT id, customer_id, status, total FROM orders WHERE order_date >= '2024-07-01'
)
SELECT count(*), sum(total) FROM recent WHERE status = 'returned' AND total > 450;

-- name: cte_recursive
-- what: Recursive Union, WorkTable Scan and CTE Scan (category tree walk)
WITH RECURSIVE tree AS (
  SELECT id, parent_id, name, 1 AS depth, name AS path FROM categories WHERE parent_id IS NULL
  UNION ALL
  SELECT c.id, c.parent_id, c.name, t.depth + 1, t.path || ' > ' || c.name
  FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT depth, count(*), max(path) FROM tree GROUP BY depth ORDER BY depth;

-- name: cte_multi_reference
-- what: a MATERIALIZED CTE referenced twice (two CTE Scans of one InitPlan)
WITH top_customers AS MATERIALIZED (
  SELECT customer_id, sum(total) AS spent FROM orders WHERE customer_id <= 1000 GROUP BY customer_id
)
SELECT a.customer_id, a.spent, b.customer_id AS next_customer
FROM top_customers a JOIN top_customers b ON b.customer_id = a.customer_id + 1
WHERE a.spent > 5000;

-- ===================================================================== scans and indexes

-- name: disabled_node
-- what: plan forced to use a disabled node (enable_sort off, no index on the sort key):
-- what: Disabled: true on 18, disable_cost (1e10) added to the Sort's costs before
SET enable_sort = off;
SELECT code, pct FROM promotions ORDER BY pct DESC, code;

-- name: seq_scan_filter
-- what: selective Seq Scan: Filter discards ~99.95% of 500k rows on an unindexed column
-- extra: psql psqlx costs_off
SET max_parallel_workers_per_gather = 0;
SELECT id, customer_id, total FROM orders WHERE promo_code = 'P0042';

-- name: parallel_seq_scan_filter
-- what: the same selective filter as a Parallel Seq Scan under Gather (workers planned/launched)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT id, customer_id, total FROM orders WHERE promo_code = 'P0042';

-- name: parallel_gather_overhead
-- what: a Parallel Seq Scan that returns every row through the Gather (coordination outweighs the work)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT * FROM customers;

-- name: index_scan_filter
-- what: Index Scan with a large Rows Removed by Filter (index on customer_id, filter on promo_code)
SET enable_bitmapscan = off;
SET enable_seqscan = off;
SET max_parallel_workers_per_gather = 0;
SELECT id, order_date FROM orders WHERE customer_id BETWEEN 1000 AND 3000 AND promo_code = 'P0007';

-- name: order_by_limit_wrong_index
-- what: Limit over an ordered primary-key Index Scan whose Filter removes most rows
SELECT id, order_date, total FROM orders WHERE promo_code = 'P0042' ORDER BY id LIMIT 10;

-- name: index_only_scan
-- what: healthy Index Only Scan on a vacuumed table (Heap Fetches: 0)
SET max_parallel_workers_per_gather = 0;
SELECT customer_id, count(*) FROM orders WHERE customer_id BETWEEN 100 AND 200 GROUP BY customer_id;

-- name: index_only_scan_heap_fetches
-- what: Index Only Scan with many Heap Fetches (page_visits was never vacuumed)
SET enable_bitmapscan = off;
SET enable_seqscan = off;
SET max_parallel_workers_per_gather = 0;
SELECT customer_id, visited_at FROM page_visits WHERE customer_id BETWEEN 1000 AND 3000;

-- name: bitmap_heap_scan
-- what: Bitmap Index Scan + Bitmap Heap Scan (exact heap blocks, Recheck Cond)
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum(total) FROM orders WHERE customer_id BETWEEN 2000 AND 2600;

-- name: bitmap_lossy
-- what: lossy Bitmap Heap Scan (work_mem 64kB => Heap Blocks lossy=..., Rows Removed by Index Recheck)
SET work_mem = '64kB';
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_seqscan = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM orders WHERE order_date >= '2024-03-01' AND order_date < '2024-05-01';

-- name: bitmap_and
-- what: BitmapAnd of two Bitmap Index Scans
SET max_parallel_workers_per_gather = 0;
SET enable_indexscan = off;
SELECT count(*) FROM orders
WHERE customer_id BETWEEN 3000 AND 6000 AND order_date >= '2024-06-01' AND order_date < '2024-06-15';

-- name: bitmap_or
-- what: BitmapOr of two Bitmap Index Scans
SELECT id, email FROM customers WHERE country_code = 'AE' OR signup_date = '2020-01-01';

-- name: gin_jsonb
-- what: Bitmap scan on a jsonb GIN index (@> containment)
SELECT count(*) FROM customers WHERE profile @> '{"lang": "ja", "newsletter": true}';

-- name: gin_array
-- what: Bitmap scan on a text[] GIN index (@> on arrays)
SELECT id, email, tags FROM customers WHERE tags @> ARRAY['vip', 'b2b'];

-- name: trigram_like
-- what: pg_trgm GIN index used for ILIKE '%...%' (Recheck Cond, Rows Removed by Index Recheck)
SELECT id, name FROM products WHERE name ILIKE '%steel ch%';

-- name: non_sargable_lower
-- what: non-sargable predicate: lower(email) = ... cannot use the btree index on email
SET max_parallel_workers_per_gather = 0;
SELECT id, email FROM customers WHERE lower(email) = 'user04242@corp.example';

-- name: non_sargable_date_trunc
-- what: non-sargable predicate: date_trunc('day', order_date) = ... ignores the order_date index
SELECT count(*) FROM orders WHERE date_trunc('day', order_date) = timestamp '2024-03-15';

-- name: bloated_seq_scan
-- what: read-inefficient Seq Scan: 97% deleted, never vacuumed (many buffers per returned row)
SET max_parallel_workers_per_gather = 0;
SELECT count(*), max(started_at) FROM cart_sessions WHERE customer_id <= 25000;

-- name: bloated_index_scan
-- what: read-inefficient Index Scan over dead index entries of a bloated table
SET enable_bitmapscan = off;
SELECT id, customer_id FROM cart_sessions
WHERE started_at >= '2024-02-01' AND started_at < '2024-03-01';

-- ===================================================================== estimates

-- name: stale_stats_misestimate
-- what: row misestimate from stale statistics (estimated ~1 row, actual 200,000)
SET max_parallel_workers_per_gather = 0;
SELECT carrier, count(*) FROM shipments WHERE status = 'in_transit' GROUP BY carrier;

-- name: stale_stats_nested_loop
-- what: nested loop with ~50,000 inner loops caused by the stale-statistics underestimate
SET max_parallel_workers_per_gather = 0;
SELECT s.carrier, count(*), sum(o.total)
FROM shipments s JOIN orders o ON o.id = s.order_id
WHERE s.status = 'in_transit' AND s.carrier = 'DHL'
GROUP BY s.carrier;

-- name: correlated_columns_misestimate
-- what: misestimate from correlated columns (country_code determines city)
SELECT count(*) FROM customers WHERE country_code = 'DE' AND city = 'Berlin';

-- name: correlated_columns_join
-- what: correlated-column underestimate (ship_country/currency) propagating into a join
SET max_parallel_workers_per_gather = 0;
SELECT o.id, sum(oi.qty * oi.unit_price) AS value
FROM orders o JOIN order_items oi ON oi.order_id = o.id
WHERE o.ship_country = 'JP' AND o.currency = 'JPY' AND o.order_date >= '2024-10-01'
GROUP BY o.id;

-- ===================================================================== joins

-- name: nested_loop_inner
-- what: Nested Loop (inner) with a parameterised Index Scan on the inner side
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.order_date >= '2024-12-30';

-- name: nested_loop_left
-- what: Nested Loop Left Join
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT c.id, o.id AS order_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
WHERE c.id BETWEEN 44990 AND 45010;

-- name: nested_loop_semi
-- what: Nested Loop Semi Join (EXISTS)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT c.id FROM customers c
WHERE c.id <= 100 AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.total > 400);

-- name: nested_loop_anti
-- what: Nested Loop Anti Join (NOT EXISTS)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT r.name FROM regions r
WHERE NOT EXISTS (SELECT 1 FROM countries c WHERE c.region_id = r.id);

-- name: nested_loop_many_loops
-- what: Nested Loop whose inner Index Scan runs ~60,000 times
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum(oi.qty)
FROM orders o JOIN order_items oi ON oi.order_id = o.id
WHERE o.order_date >= '2024-11-01';

-- name: hash_join_left
-- what: Hash Left Join
SELECT c.id, c.country_code, co.name
FROM customers c LEFT JOIN countries co ON co.code = c.country_code AND co.currency = 'EUR'
WHERE c.id <= 1000;

-- name: hash_join_right
-- what: Hash Right Join (the preserved side is hashed)
SELECT co.code, count(c.id)
FROM countries co LEFT JOIN customers c ON c.country_code = co.code AND c.tier = 'platinum'
GROUP BY co.code;

-- name: hash_join_full
-- what: Hash Full Join
SELECT r.code, c.code FROM regions r FULL JOIN countries c ON c.region_id = r.id;

-- name: hash_join_semi
-- what: Hash Semi Join (IN subquery; 18 may hash the outer side: Hash Right Semi Join)
SET max_parallel_workers_per_gather = 0;
SET enable_hashagg = off;
SET enable_nestloop = off;
SET enable_mergejoin = off;
SELECT count(*) FROM products p
WHERE p.id IN (SELECT oi.product_id FROM order_items oi WHERE oi.order_id <= 50000);

-- name: hash_join_anti
-- what: Hash Anti Join (NOT EXISTS)
SELECT count(*) FROM products p
WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = p.category_id AND c.name LIKE 'Subcategory 4%');

-- name: hash_join_right_anti
-- what: customers without orders: Hash Right Anti Join on 16+, Hash Anti Join before
SET max_parallel_workers_per_gather = 0;
SET enable_mergejoin = off;
SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);

-- name: hash_join_right_semi
-- what: categories with expensive products: Hash Right Semi Join on 18, semi join/unique before
SET max_parallel_workers_per_gather = 0;
SELECT c.id, c.name FROM categories c
WHERE EXISTS (SELECT 1 FROM products p WHERE p.category_id = c.id AND p.price > 495);

-- name: hash_join_batches
-- what: Hash Join whose Hash spills into several batches (work_mem 2MB)
SET work_mem = '2MB';
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum(oi.qty)
FROM order_items oi JOIN orders o ON o.id = oi.order_id
WHERE o.order_date >= '2024-01-01';

-- name: merge_join_inner
-- what: Merge Join (inner) over two ordered index scans
SET enable_hashjoin = off;
SET enable_nestloop = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.id <= 20000;

-- name: merge_join_left
-- what: Merge Left Join with an explicit Sort
SET enable_hashjoin = off;
SET enable_nestloop = off;
SELECT co.code, c.id FROM countries co LEFT JOIN customers c ON c.country_code = co.code AND c.id <= 100;

-- name: merge_join_full
-- what: Merge Full Join with Sorts on both sides
SET enable_hashjoin = off;
SELECT r.code, c.code FROM regions r FULL JOIN countries c ON c.region_id = r.id;

-- name: merge_join_anti
-- what: Merge Anti Join (plus a Merge Join over a unique-ified semi-join input)
SET enable_hashjoin = off;
SET enable_nestloop = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM customers c
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'returned')
  AND NOT EXISTS (SELECT 1 FROM page_visits v WHERE v.customer_id = c.id)
  AND c.id <= 20000;

-- name: merge_join_semi
-- what: Merge Semi Join (EXISTS over shipments, explicit Sort on the inner side)
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM orders o
WHERE EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.carrier = 'UPS')
  AND o.order_date >= '2024-12-01';

-- name: cartesian_join
-- what: cartesian product: Nested Loop without join condition over a Materialize
SELECT p.sku, r.code FROM products p CROSS JOIN regions r WHERE p.price > 250;

-- name: materialize_rescan
-- what: Nested Loop replaying a Materialize for every outer row (the Join Filter keeps most pairs)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SET max_parallel_workers_per_gather = 0;
SELECT c.id, p.code FROM customers c JOIN promotions p ON c.signup_date < p.starts_on
WHERE c.id <= 25000;

-- name: join_filter_many_removed
-- what: Nested Loop whose Join Filter removes most row pairs (range join on promotion dates)
SELECT o.id, p.code
FROM orders o JOIN promotions p ON o.order_date::date BETWEEN p.starts_on AND p.ends_on
WHERE o.customer_id <= 200;

-- name: memoize
-- what: Memoize above a parameterised Index Scan (14+; many hits)
-- majors: 14+
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum((c.profile->>'score')::int)
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.order_date >= '2024-12-01';

-- name: memoize_evictions
-- what: Memoize with many misses and evictions (work_mem 128kB; 14+)
-- majors: 14+
SET work_mem = '128kB';
SET hash_mem_multiplier = 2;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET max_parallel_workers_per_gather = 0;
SELECT count(*), max(p.name)
FROM order_items oi JOIN products p ON p.id = oi.product_id
WHERE oi.order_id <= 20000;

-- ===================================================================== sorting, limits, aggregation

-- name: sort_external
-- what: Sort spilling to disk (external merge) with temp buffers
SET work_mem = '1MB';
SET max_parallel_workers_per_gather = 0;
SELECT id, note FROM orders WHERE order_date >= '2024-07-01' ORDER BY note;

-- name: sort_top_n_limit
-- what: Limit over a top-N heapsort of the whole table (no index on the sort key)
SET max_parallel_workers_per_gather = 0;
SELECT id, total FROM orders ORDER BY total DESC LIMIT 10;

-- name: incremental_sort
-- what: Incremental Sort (presorted prefix from an index)
SELECT id, customer_id, order_date FROM orders ORDER BY customer_id, order_date LIMIT 50;

-- name: large_offset
-- what: large OFFSET: Limit discarding 200,000 rows produced by an Index Scan
SELECT id, order_date FROM orders ORDER BY id OFFSET 200000 LIMIT 20;

-- name: gather_merge
-- what: Gather Merge over a parallel Sort
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT id, total FROM orders WHERE total > 490 ORDER BY total;

-- name: aggregate_hashed
-- what: HashAggregate (Strategy Hashed), no parallelism
SET max_parallel_workers_per_gather = 0;
SELECT ship_country, count(*), avg(total) FROM orders GROUP BY ship_country;

-- name: aggregate_sorted
-- what: GroupAggregate (Strategy Sorted) over an ordered Index Scan
SET enable_hashagg = off;
SELECT customer_id, sum(total) FROM orders WHERE customer_id <= 1000 GROUP BY customer_id;

-- name: aggregate_mixed
-- what: MixedAggregate (grouping sets with hashed sets and the empty set)
SET max_parallel_workers_per_gather = 0;
SELECT status, ship_country, count(*) FROM orders
WHERE order_date >= '2024-12-01'
GROUP BY GROUPING SETS ((status), (ship_country), ());

-- name: aggregate_rollup_sorted
-- what: GroupAggregate with ROLLUP (several Group Key lines and a Sort Key phase)
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 0;
SELECT status, ship_country, currency, count(*) FROM orders
WHERE order_date >= '2024-12-15'
GROUP BY GROUPING SETS (ROLLUP (status, ship_country), (currency));

-- name: aggregate_parallel
-- what: Finalize/Partial aggregates around Gather (parallel plain aggregate)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT count(*), sum(qty), avg(unit_price) FROM order_items;

-- name: aggregate_parallel_grouped
-- what: Finalize GroupAggregate over Gather Merge over Partial HashAggregate
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT status, count(*), sum(total) FROM orders GROUP BY status ORDER BY status;

-- name: hashagg_spill
-- what: HashAggregate spilling to disk (Planned Partitions, Batches, Disk Usage; 13+)
SET work_mem = '1MB';
SET enable_sort = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SET max_parallel_workers_per_gather = 0;
SELECT customer_id, count(*), sum(total) FROM orders GROUP BY customer_id;

-- name: group_node
-- what: Group node (GROUP BY without aggregates over sorted input)
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 0;
SELECT status, ship_country FROM orders WHERE customer_id <= 50 GROUP BY status, ship_country;

-- name: unique_distinct
-- what: Unique over sorted input (SELECT DISTINCT without hashing)
SET enable_hashagg = off;
SELECT DISTINCT customer_id FROM orders WHERE customer_id <= 500;

-- name: setop_intersect_hashed
-- what: HashSetOp Intersect
SELECT customer_id FROM orders WHERE order_date >= '2024-12-25'
INTERSECT
SELECT id FROM customers WHERE tier = 'platinum';

-- name: setop_except_sorted
-- what: sorted SetOp Except All
SET enable_hashagg = off;
SELECT customer_id FROM orders WHERE order_date >= '2024-12-28'
EXCEPT ALL
SELECT id FROM customers WHERE tier = 'bronze';

-- name: append_union_all
-- what: Append of two branches (UNION ALL), Result/Subquery Scan projections
SELECT id AS customer_id, 'platinum' AS reason FROM customers WHERE tier = 'platinum' AND id <= 5000
UNION ALL
SELECT customer_id, 'recent order' FROM orders WHERE order_date >= '2024-12-31';

-- name: union_distinct
-- what: UNION (duplicate elimination above an Append)
SELECT country_code FROM customers WHERE id <= 1000
UNION
SELECT ship_country FROM orders WHERE id <= 1000;

-- name: lock_rows
-- what: LockRows (SELECT ... FOR UPDATE)
-- dml: yes
SELECT id, tier FROM customers WHERE id BETWEEN 10 AND 20 FOR UPDATE;

-- ===================================================================== partitions

-- name: partition_no_pruning
-- what: no partition pruning: a filter on a non-key column scans all 13 partitions
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM events WHERE kind = 'signup' AND value > 190;

-- name: partition_runtime_pruning
-- what: executor start-up pruning (Subplans Removed) with a stable timestamptz comparison
SELECT count(*) FROM events WHERE created_at >= '2024-11-20 00:00:00+00'::timestamptz;

-- name: partition_prepared_generic
-- what: generic prepared plan: partitions pruned at executor start-up (Subplans Removed)
SET plan_cache_mode = force_generic_plan;
PREPARE recent_events(timestamp) AS
  SELECT kind, count(*) FROM events WHERE created_at >= $1 AND created_at < $1 + interval '7 days' GROUP BY kind;
EXECUTE recent_events('2024-05-01');

-- name: partition_nestloop_pruning
-- what: run-time pruning per rescan of a parameterised Append (never executed partitions)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_bitmapscan = off;
SELECT v.d, count(e.id)
FROM (VALUES (timestamp '2024-02-10 10:00'), (timestamp '2024-04-04 12:00')) AS v(d)
JOIN events e ON e.created_at >= v.d AND e.created_at < v.d + interval '1 hour'
WHERE e.created_at < '2024-05-01'
GROUP BY v.d;

-- name: parallel_append
-- what: Parallel Append over partitions with Partial/Finalize aggregation
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT kind, count(*), sum(value) FROM events WHERE created_at >= '2024-07-01' GROUP BY kind;

-- name: partitionwise_join
-- what: partition-wise join (Append of per-partition Hash Joins; 3 partitions after pruning)
SET enable_partitionwise_join = on;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM events a JOIN events b ON b.created_at = a.created_at AND b.id = a.id
WHERE a.kind = 'purchase' AND a.created_at < '2024-04-01' AND b.created_at < '2024-04-01';

-- name: partitionwise_aggregate
-- what: partition-wise partial aggregation (Finalize over Append of Partial HashAggregates)
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SELECT kind, count(*), avg(value) FROM events WHERE created_at < '2024-05-01' GROUP BY kind;

-- name: merge_append
-- what: Merge Append of per-partition index scans (ORDER BY a non-key indexed column + LIMIT)
SELECT id, customer_id, kind FROM events WHERE created_at >= '2024-07-01' ORDER BY customer_id LIMIT 20;

-- ===================================================================== parallel query

-- name: parallel_hash_join
-- what: Parallel Hash Join with Parallel Hash, Partial and Finalize Aggregate
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT count(*), sum(oi.qty) FROM order_items oi JOIN orders o ON o.id = oi.order_id
WHERE o.status = 'returned';

-- name: parallel_workers_limited
-- what: fewer workers launched than planned (4 planned, max_parallel_workers = 1)
SET max_parallel_workers_per_gather = 4;
SET max_parallel_workers = 1;
SET min_parallel_table_scan_size = '1MB';
SET parallel_setup_cost = 0;
SELECT count(*) FROM order_items WHERE qty = 5;

-- name: parallel_bitmap_heap_scan
-- what: Parallel Bitmap Heap Scan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SELECT count(*), sum(total) FROM orders WHERE order_date >= '2024-06-01' AND order_date < '2024-07-15';

-- name: parallel_index_only_scan
-- what: Parallel Index Only Scan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_index_scan_size = 0;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FROM orders WHERE customer_id > 100;

-- name: jit_aggregate
-- what: JIT-compiled query (jit on, thresholds 0), only where llvmjit is available
-- needs: jit
SET jit = on;
SET jit_above_cost = 0;
SET jit_inline_above_cost = 0;
SET jit_optimize_above_cost = 0;
SELECT status, count(*), sum(total), avg(total * 1.19) FROM orders GROUP BY status;

-- ===================================================================== foreign data

-- name: fdw_foreign_scan
-- what: postgres_fdw Foreign Scan with a pushed-down WHERE (Remote SQL in VERBOSE)
-- needs: fdw
SELECT id, order_date, total FROM ft_orders WHERE customer_id = 42;

-- name: fdw_join_aggregate_pushdown
-- what: postgres_fdw join + aggregate pushed down (Foreign Scan without a relation, Relations:)
-- needs: fdw
SELECT c.tier, count(*) FROM ft_orders o JOIN ft_customers c ON c.id = o.customer_id
WHERE c.country_code = 'NG' GROUP BY c.tier;

-- name: fdw_async_append
-- what: Async Foreign Scans under an Append (async_capable postgres_fdw, 14+)
-- majors: 14+
-- needs: fdw
SELECT id, total FROM ft_orders WHERE customer_id = 7
UNION ALL
SELECT id, total FROM ft_orders WHERE customer_id = 8;

-- name: fdw_foreign_update
-- what: direct-modify Foreign Update (UPDATE pushed to the remote server)
-- needs: fdw
-- dml: yes
-- extra: wal
UPDATE ft_orders SET note = note || ' (checked)' WHERE id <= 100;

-- name: fdw_file_scan
-- what: file_fdw Foreign Scan (Foreign File, Foreign File Size)
-- needs: fdw
SELECT code, name FROM ext_countries WHERE region_id = 1;

-- ===================================================================== data-modifying

-- name: insert_values
-- what: Insert with a Values Scan source
-- dml: yes
-- extra: wal
INSERT INTO promotions VALUES (101, 'SPRING', '2025-03-01', '2025-03-31', 10.0),
                              (102, 'SUMMER', '2025-06-01', '2025-06-30', 15.0);

-- name: insert_select
-- what: Insert from a Seq Scan (bulk INSERT ... SELECT, WAL records/FPI/bytes)
-- dml: yes
-- extra: wal
INSERT INTO customer_audit (customer_id, old_tier, new_tier, changed_at)
SELECT id, tier, 'gold', timestamp '2025-01-01' FROM customers WHERE id <= 2000;

-- name: insert_on_conflict_update
-- what: INSERT ... ON CONFLICT DO UPDATE (Conflict Resolution, Arbiter Indexes, triggers fire)
-- dml: yes
-- extra: wal
INSERT INTO customers (id, email, full_name, country_code, city, signup_date, tier, tags, profile, status)
SELECT id, email, full_name, country_code, city, signup_date, 'gold', tags, profile, status
FROM customers WHERE id <= 100
ON CONFLICT (id) DO UPDATE SET tier = excluded.tier WHERE customers.tier <> 'platinum';

-- name: insert_on_conflict_nothing
-- what: INSERT ... ON CONFLICT DO NOTHING (Conflicting Tuples)
-- dml: yes
-- extra: wal
INSERT INTO promotions VALUES (1, 'PROMO1', '2023-01-15', '2023-01-21', 10.0),
                              (99, 'NEW', '2025-01-01', '2025-01-07', 12.5)
ON CONFLICT DO NOTHING;

-- name: update_with_triggers
-- what: Update firing a row trigger and a statement trigger with transition tables
-- dml: yes
-- extra: wal
UPDATE customers SET tier = 'gold' WHERE id BETWEEN 1 AND 500;

-- name: update_partitioned
-- what: Update on a partitioned table (one target line per partition)
-- dml: yes
-- extra: wal
UPDATE events SET value = value + 1 WHERE customer_id = 4242 AND created_at >= '2024-10-01';

-- name: update_from_join
-- what: Update ... FROM with a join
-- dml: yes
-- extra: wal
UPDATE orders o SET status = 'cancelled'
FROM customers c
WHERE c.id = o.customer_id AND c.status = 'inactive' AND o.status = 'pending';

-- name: delete_fk_unindexed
-- what: Delete on the parent of an unindexed foreign key: the RI trigger scans order_items
-- dml: yes
-- extra: wal
DELETE FROM products WHERE id BETWEEN 4996 AND 5000;

-- name: delete_using
-- what: Delete ... USING (hash semi-join style delete)
-- dml: yes
-- extra: wal
DELETE FROM page_visits v USING customers c
WHERE c.id = v.customer_id AND c.status = 'inactive' AND v.visited_at < '2024-02-01';

-- name: merge_upsert
-- what: MERGE (15+): Merge on ..., Tuples: inserted/updated
-- majors: 15+
-- dml: yes
-- extra: wal
MERGE INTO promotions p
USING (SELECT 40 + g AS id, 'MERGED' || g AS code FROM generate_series(1, 20) g) s ON p.id = s.id
WHEN MATCHED THEN UPDATE SET code = s.code
WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.code, date '2025-01-01', date '2025-01-31', 5.0);

-- name: rule_two_plans
-- what: a DO ALSO rule: one EXPLAIN prints two plans
-- dml: yes
-- extra: wal psql
UPDATE regions SET name = name || ' (updated)' WHERE id <= 3;

-- name: cte_data_modifying
-- what: data-modifying CTE (DELETE ... RETURNING feeding an INSERT)
-- dml: yes
-- extra: wal
WITH moved AS (
  DELETE FROM promotions WHERE id > 45 RETURNING *
)
INSERT INTO promotions
SELECT id + 100, code || '-2025', starts_on + 730, ends_on + 730, pct FROM moved;

-- ===================================================================== option-specific

-- name: generic_plan
-- what: EXPLAIN (GENERIC_PLAN) with $n parameters (16+)
-- majors: 16+
-- only: generic_plan
SELECT id, total FROM orders WHERE customer_id = $1 AND order_date >= $2;

-- name: serialize_wide_rows
-- what: SERIALIZE and MEMORY (17+) on a query returning many wide rows
-- majors: 17+
-- extra: serialize_memory
SELECT * FROM customers WHERE id <= 5000;
