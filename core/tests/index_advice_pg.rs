//! Index advice proven on a real server: for each scenario, PostgreSQL 15 runs the query with
//! `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, planlint suggests indexes from that plan alone,
//! the test creates them, runs ANALYZE and the query again, and checks that the new plan uses
//! every suggested index and reads fewer buffers. A suggestion the planner does not use fails.
//!
//! The server is Debian's PostgreSQL 15 (`/usr/lib/postgresql/15/bin`; scripts/test.sh installs
//! it in CI): a throwaway cluster started by this test as an unprivileged user (`planlint`,
//! when run as root), listening on 127.0.0.1 on a port free at the start and a unix socket
//! in a directory of its own under /tmp (both per process: two checkouts can run the test at
//! once), stopped and removed at the end. The test installs nothing and fails loudly without the binaries.
//! Statistics are exact (default_statistics_target 1000 samples every row of these tables) and
//! parallelism is off, so the plans, and the buffer counts, are the same on every run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use planlint::advice::{IndexKind, IndexSuggestion, suggest_indexes};

const BIN: &str = "/usr/lib/postgresql/15/bin";
const OS_USER: &str = "planlint";

/// A throwaway PostgreSQL cluster.
struct Server {
    base: PathBuf,
    as_user: bool,
    port: u16,
}

/// A TCP port free on 127.0.0.1 now (the kernel's pick for port 0).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl Server {
    fn start() -> Server {
        let bin = Path::new(BIN);
        for tool in ["initdb", "pg_ctl", "postgres", "psql"] {
            assert!(
                bin.join(tool).exists(),
                "{}/{tool} is missing: install Debian's postgresql-15 (scripts/test.sh does)",
                BIN
            );
        }
        let as_user = is_root();
        if as_user
            && !Command::new("id")
                .arg(OS_USER)
                .output()
                .is_ok_and(|o| o.status.success())
        {
            let ok = Command::new("useradd")
                .args([
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    OS_USER,
                ])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "cannot create the unprivileged user {OS_USER}");
        }
        let base = PathBuf::from(format!("/tmp/planlint-advice-{}", std::process::id()));
        let server = Server {
            base,
            as_user,
            port: free_port(),
        };
        // a leftover cluster from an interrupted run
        server.stop();
        let _ = std::fs::remove_dir_all(&server.base);
        server.run_tool("mkdir", &["-p", server.base.to_str().unwrap()]);
        server.run_tool(
            bin.join("initdb").to_str().unwrap(),
            &[
                "-D",
                server.data().to_str().unwrap(),
                "-U",
                OS_USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nautovacuum = off\n\
             jit = off\nmax_parallel_workers_per_gather = 0\nshared_buffers = '256MB'\n\
             default_statistics_target = 1000\n\
             timezone = 'UTC'\nlc_messages = 'C'\n",
            server.port,
            server.base.display()
        );
        let conf_path = server.data().join("postgresql.conf");
        let mut old = std::fs::read_to_string(&conf_path).expect("postgresql.conf");
        old.push_str(&conf);
        std::fs::write(&conf_path, old).expect("write postgresql.conf");
        let log = server.base.join("server.log");
        server.run_tool(
            bin.join("pg_ctl").to_str().unwrap(),
            &[
                "-D",
                server.data().to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "120",
                "start",
            ],
        );
        server
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    /// A server tool's command, run as the unprivileged user when we are root.
    fn tool(&self, tool: &str) -> Command {
        if self.as_user {
            let mut c = Command::new("runuser");
            c.args(["-u", OS_USER, "--", tool]);
            c
        } else {
            Command::new(tool)
        }
    }

    /// Runs a server tool; panics with its output.
    fn run_tool(&self, tool: &str, args: &[&str]) {
        let out = self
            .tool(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.base.join("server.log")).unwrap_or_default();
            panic!(
                "{tool} {args:?} failed:\n{}\n{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    fn stop(&self) {
        if self.data().join("postmaster.pid").exists() {
            let _ = self
                .tool(&format!("{BIN}/pg_ctl"))
                .args([
                    "-D",
                    self.data().to_str().unwrap(),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ])
                .output();
        }
    }

    /// Runs SQL (a script on stdin) in a new session; returns its unaligned, tuples-only output.
    fn sql(&self, script: &str) -> String {
        let mut child = Command::new(format!("{BIN}/psql"))
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.base.to_str().unwrap(),
                "-p",
                &self.port.to_string(),
                "-U",
                OS_USER,
                "-d",
                "postgres",
                "-f",
                "-",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("psql runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write to psql");
        let out = child.wait_with_output().expect("psql output");
        assert!(
            out.status.success(),
            "psql failed:\n{script}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// One scenario: a schema with data, a query, and what planlint must suggest.
struct Scenario {
    name: &'static str,
    /// DDL and data (run in the scenario's schema).
    setup: &'static str,
    /// The statement explained (a DML one runs in a rolled-back transaction).
    query: &'static str,
    /// EXPLAIN VERBOSE (schema-qualified names, Output lists).
    verbose: bool,
    /// The suggestion expected: its kind and key columns.
    kind: IndexKind,
    columns: &'static [&'static str],
    /// For a foreign-key scenario: the referencing table, whose buffer counters measure the
    /// trigger's work (the plan does not show it).
    fk_table: Option<&'static str>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "btree_eq_range",
        setup: "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, created_at timestamp NOT NULL,
                                     total numeric(10,2) NOT NULL, note text NOT NULL);
                INSERT INTO orders SELECT i, (i * 7919) % 5000,
                       timestamp '2024-01-01' + (i % 365) * interval '1 day' + (i % 1440) * interval '1 minute',
                       (i % 1000) / 10.0, md5(i::text)
                FROM generate_series(1, 100000) i;",
        query: "SELECT id, total FROM orders WHERE customer_id = 42 AND created_at >= '2024-10-01'",
        verbose: false,
        kind: IndexKind::Btree,
        columns: &["customer_id", "created_at"],
        fk_table: None,
    },
    Scenario {
        name: "sort_limit_extension",
        setup: "CREATE TABLE events (id int PRIMARY KEY, account_id int NOT NULL, created_at timestamp NOT NULL,
                                     kind text NOT NULL, body text NOT NULL);
                INSERT INTO events SELECT i, CASE WHEN i % 16 = 0 THEN 7 ELSE i % 2000 END,
                       timestamp '2024-01-01' + ((i * 7919) % 100000) * interval '1 minute',
                       (ARRAY['view', 'click', 'buy'])[1 + i % 3], md5(i::text)
                FROM generate_series(1, 200000) i;
                CREATE INDEX events_account_id_idx ON events (account_id);",
        query: "SELECT id, created_at FROM events WHERE account_id = 7 ORDER BY created_at DESC LIMIT 10",
        verbose: false,
        kind: IndexKind::Btree,
        columns: &["account_id", "created_at"],
        fk_table: None,
    },
    Scenario {
        name: "partial",
        setup: "CREATE TABLE jobs (id int PRIMARY KEY, run_at timestamp NOT NULL, state text NOT NULL,
                                   payload text NOT NULL);
                INSERT INTO jobs SELECT i, timestamp '2024-01-01' + i * interval '1 minute',
                       CASE WHEN (i * 7919) % 200 = 0 THEN 'failed' ELSE 'done' END, md5(i::text) || md5(i::text)
                FROM generate_series(1, 200000) i;
                CREATE INDEX jobs_run_at_idx ON jobs (run_at);",
        query: "SELECT id, run_at FROM jobs
                WHERE run_at >= '2024-02-01' AND run_at < '2024-02-08' AND state = 'failed'",
        verbose: false,
        kind: IndexKind::Partial,
        columns: &["run_at"],
        fk_table: None,
    },
    Scenario {
        name: "expression",
        setup: "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text NOT NULL);
                INSERT INTO users SELECT i, 'User' || lpad(i::text, 6, '0') || '@Example.com', md5(i::text)
                FROM generate_series(1, 100000) i;
                CREATE UNIQUE INDEX users_email_key ON users (email);",
        query: "SELECT id, name FROM users WHERE lower(email) = 'user004242@example.com'",
        verbose: false,
        kind: IndexKind::Expression,
        columns: &["lower(email)"],
        fk_table: None,
    },
    Scenario {
        name: "gin_jsonb",
        setup: "CREATE TABLE profiles (id int PRIMARY KEY, attrs jsonb NOT NULL);
                INSERT INTO profiles SELECT i, jsonb_build_object(
                         'lang', (ARRAY['en', 'de', 'fr', 'ja'])[1 + i % 4],
                         'plan', CASE WHEN i % 500 = 0 THEN 'enterprise' ELSE 'free' END,
                         'score', i % 100)
                FROM generate_series(1, 100000) i;",
        query: "SELECT id FROM profiles WHERE attrs @> '{\"plan\": \"enterprise\"}'",
        verbose: false,
        kind: IndexKind::Gin,
        columns: &["attrs"],
        fk_table: None,
    },
    Scenario {
        name: "gin_array",
        setup: "CREATE TABLE posts (id int PRIMARY KEY, tags text[] NOT NULL, title text NOT NULL);
                INSERT INTO posts SELECT i,
                       CASE WHEN i % 1000 = 0 THEN ARRAY['rust', 'postgres'] ELSE ARRAY['misc', 'tag' || (i % 50)] END,
                       md5(i::text)
                FROM generate_series(1, 100000) i;",
        query: "SELECT id, title FROM posts WHERE tags && ARRAY['postgres']",
        verbose: false,
        kind: IndexKind::Gin,
        columns: &["tags"],
        fk_table: None,
    },
    Scenario {
        name: "trigram",
        setup: "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL);
                INSERT INTO products SELECT i,
                       CASE WHEN i % 2000 = 0 THEN 'Vintage Brass Telescope ' || i
                            ELSE (ARRAY['Ergonomic', 'Rustic', 'Sleek', 'Refined'])[1 + i % 4] || ' '
                              || (ARRAY['Steel', 'Wooden', 'Cotton', 'Granite', 'Plastic'])[1 + (i / 4) % 5] || ' '
                              || (ARRAY['Chair', 'Table', 'Lamp', 'Mug', 'Clock'])[1 + (i / 20) % 5] || ' ' || i
                       END
                FROM generate_series(1, 60000) i;",
        query: "SELECT id, name FROM products WHERE name ILIKE '%brass tele%'",
        verbose: false,
        kind: IndexKind::Trigram,
        columns: &["name gin_trgm_ops"],
        fk_table: None,
    },
    Scenario {
        name: "covering",
        setup: "CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, amount numeric(10,2) NOT NULL,
                                    sold_at timestamp NOT NULL, note text NOT NULL);
                INSERT INTO sales SELECT i,
                       CASE WHEN i % 50 = 0 THEN 'antarctica' ELSE (ARRAY['eu', 'us', 'apac'])[1 + i % 3] END,
                       (i % 997) + 0.5, timestamp '2024-01-01' + i * interval '1 minute', md5(i::text)
                FROM generate_series(1, 100000) i;",
        query: "SELECT region, amount, sold_at FROM sales WHERE region = 'antarctica'",
        verbose: true,
        kind: IndexKind::Covering,
        columns: &["region"],
        fk_table: None,
    },
    Scenario {
        name: "foreign_key",
        setup: "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL);
                CREATE TABLE order_lines (id int PRIMARY KEY, product_id int NOT NULL REFERENCES products,
                                          qty int NOT NULL, note text NOT NULL);
                INSERT INTO products SELECT i, 'product ' || i FROM generate_series(1, 1000) i;
                SET session_replication_role = replica; -- a consistent bulk load: no per-row FK checks
                INSERT INTO order_lines SELECT i, 1 + (i % 990), 1 + i % 5, md5(i::text)
                FROM generate_series(1, 100000) i;",
        query: "DELETE FROM products WHERE id BETWEEN 996 AND 1000",
        verbose: false,
        kind: IndexKind::ForeignKey,
        columns: &["product_id"],
        fk_table: Some("order_lines"),
    },
    Scenario {
        name: "correlated_subplan",
        setup: "CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL);
                CREATE TABLE visits (id int PRIMARY KEY, account_id int NOT NULL, at timestamp NOT NULL,
                                     url text NOT NULL);
                INSERT INTO accounts SELECT i, 'account ' || i FROM generate_series(1, 5000) i;
                INSERT INTO visits SELECT i, 1 + (i * 7919) % 5000,
                       timestamp '2024-01-01' + i * interval '1 minute', '/page/' || (i % 300)
                FROM generate_series(1, 5000) i;",
        query: "SELECT a.id, (SELECT max(v.at) FROM visits v WHERE v.account_id = a.id) AS last_visit
                FROM accounts a WHERE a.id <= 1000",
        verbose: false,
        kind: IndexKind::Btree,
        columns: &["account_id"],
        fk_table: None,
    },
    Scenario {
        name: "nested_loop_join_filter",
        setup: "CREATE TABLE windows (id int PRIMARY KEY, starts_at timestamp NOT NULL, ends_at timestamp NOT NULL);
                CREATE TABLE readings (id int PRIMARY KEY, taken_at timestamp NOT NULL, value numeric NOT NULL,
                                       note text NOT NULL);
                INSERT INTO windows SELECT i, timestamp '2024-01-01' + i * interval '1 day',
                       timestamp '2024-01-01' + i * interval '1 day' + interval '30 minutes'
                FROM generate_series(1, 60) i;
                INSERT INTO readings SELECT i, timestamp '2024-01-01' + ((i * 7919) % 432000) * interval '1 minute',
                       i % 100, md5(i::text)
                FROM generate_series(1, 150000) i;",
        query: "SELECT w.id, r.value FROM windows w
                JOIN readings r ON r.taken_at >= w.starts_at AND r.taken_at < w.ends_at",
        verbose: false,
        kind: IndexKind::Btree,
        columns: &["taken_at"],
        fk_table: None,
    },
];

/// Shared hit + read blocks of the whole plan (the root's counters include its children).
fn plan_buffers(plan: &planlint::Plan) -> u64 {
    plan.root()
        .and_then(|r| r.buffers.as_ref())
        .map(|b| b.shared_accessed())
        .unwrap_or(0)
}

/// Blocks of a table and its indexes accessed so far (pg_statio_user_tables).
fn table_blocks(pg: &Server, schema: &str, table: &str) -> u64 {
    let out = pg.sql(&format!(
        "SELECT coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) + coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0)
         FROM pg_statio_user_tables WHERE schemaname = '{schema}' AND relname = '{table}';"
    ));
    out.trim()
        .parse()
        .unwrap_or_else(|_| panic!("statio of {schema}.{table}: {out:?}"))
}

fn index_scans(pg: &Server, schema: &str, index: &str) -> u64 {
    let out = pg.sql(&format!(
        "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE schemaname = '{schema}' AND indexrelname = '{index}';"
    ));
    out.trim().parse().unwrap_or(0)
}

fn explain(pg: &Server, s: &Scenario, schema: &str) -> planlint::Plan {
    let options = if s.verbose {
        "ANALYZE, BUFFERS, VERBOSE, FORMAT JSON"
    } else {
        "ANALYZE, BUFFERS, FORMAT JSON"
    };
    let dml = s.fk_table.is_some();
    let script = format!(
        "SET search_path = {schema}, public;\n{}EXPLAIN ({options}) {};\n{}",
        if dml { "BEGIN;\n" } else { "" },
        s.query,
        if dml { "ROLLBACK;\n" } else { "" }
    );
    let json = pg.sql(&script);
    let mut plans = planlint::parse(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", s.name));
    assert_eq!(plans.len(), 1, "{}: one plan", s.name);
    plans.remove(0)
}

fn uses_index(plan: &planlint::Plan, name: &str) -> bool {
    plan.nodes
        .iter()
        .any(|n| n.index_name.as_deref() == Some(name))
}

fn run(pg: &Server, s: &Scenario) -> (u64, u64, Vec<IndexSuggestion>) {
    let schema = format!("sc_{}", s.name);
    pg.sql(&format!(
        // synchronous commit, so that VACUUM sees the rows' hint bits and sets the visibility
        // map (index-only scans need it)
        "CREATE SCHEMA {schema};\nSET search_path = {schema}, public;\nSET synchronous_commit = on;\n{}\nVACUUM ANALYZE;\n",
        s.setup
    ));
    let before_blocks = s.fk_table.map(|t| table_blocks(pg, &schema, t));
    let before = explain(pg, s, &schema);
    let before_buffers = match (s.fk_table, before_blocks) {
        (Some(t), Some(b)) => table_blocks(pg, &schema, t) - b,
        _ => plan_buffers(&before),
    };
    let suggestions = suggest_indexes(&before);
    let summary: Vec<String> = suggestions.iter().map(|x| x.sql.clone()).collect();
    // `planlint analyze` reports the same indexes, and its findings point at them.
    let analysis = planlint::analyze(&before, &planlint::Config::default());
    for x in &suggestions {
        let linked = analysis
            .findings
            .iter()
            .filter(|f| f.fix.sql.as_deref().is_some_and(|q| q.contains(&x.sql)))
            .map(|f| f.rule)
            .collect::<Vec<_>>();
        assert!(
            !linked.is_empty() && analysis.index_suggestions.iter().any(|k| k.sql == x.sql),
            "{}: analyze does not report {} with a finding pointing at it",
            s.name,
            x.sql
        );
    }
    assert!(
        suggestions
            .iter()
            .any(|x| x.kind == s.kind && x.columns == s.columns),
        "{}: expected a {:?} index on {:?}, got {summary:#?}\nplan:\n{}",
        s.name,
        s.kind,
        s.columns,
        before.to_json()
    );
    if s.verbose {
        assert!(
            suggestions
                .iter()
                .all(|x| x.schema.as_deref() == Some(schema.as_str())),
            "{}: VERBOSE plans give schema-qualified suggestions: {summary:?}",
            s.name
        );
    }
    for x in &suggestions {
        pg.sql(&format!("SET search_path = {schema}, public;\n{}\n", x.sql));
    }
    pg.sql(&format!("SET search_path = {schema}, public;\nANALYZE;\n"));
    let scans_before: Vec<u64> = suggestions
        .iter()
        .map(|x| index_scans(pg, &schema, &x.name))
        .collect();
    let after_blocks = s.fk_table.map(|t| table_blocks(pg, &schema, t));
    let after = explain(pg, s, &schema);
    let after_buffers = match (s.fk_table, after_blocks) {
        (Some(t), Some(b)) => table_blocks(pg, &schema, t) - b,
        _ => plan_buffers(&after),
    };
    for (x, scans) in suggestions.iter().zip(scans_before) {
        let used = if s.fk_table.is_some() {
            // the foreign-key check runs inside the trigger: its index use is in the statistics
            index_scans(pg, &schema, &x.name) > scans
        } else {
            uses_index(&after, &x.name)
        };
        assert!(
            used,
            "{}: the planner does not use the suggested index {}\nnew plan:\n{}",
            s.name,
            x.sql,
            after.to_json()
        );
    }
    assert!(
        after_buffers < before_buffers,
        "{}: buffers did not drop ({before_buffers} -> {after_buffers})",
        s.name
    );
    pg.sql(&format!("DROP SCHEMA {schema} CASCADE;\n"));
    (before_buffers, after_buffers, suggestions)
}

#[test]
fn suggested_indexes_are_used_and_read_fewer_buffers() {
    let pg = Server::start();
    pg.sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;\n");
    let mut report = Vec::new();
    // PLANLINT_SCENARIOS=a,b runs only those (while working on one); CI runs them all.
    let only = std::env::var("PLANLINT_SCENARIOS").ok();
    for s in SCENARIOS {
        if only
            .as_ref()
            .is_some_and(|o| !o.split(',').any(|x| x == s.name))
        {
            continue;
        }
        let started = std::time::Instant::now();
        let (before, after, suggestions) = run(&pg, s);
        report.push(format!(
            "{:<22} {:>8} -> {:>6} buffers  {:>5.1}s  {}",
            s.name,
            before,
            after,
            started.elapsed().as_secs_f64(),
            suggestions
                .iter()
                .map(|x| x.sql.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    eprintln!("{}", report.join("\n"));
    // Every index kind is covered.
    for kind in [
        IndexKind::Btree,
        IndexKind::Partial,
        IndexKind::Expression,
        IndexKind::Gin,
        IndexKind::Trigram,
        IndexKind::Covering,
        IndexKind::ForeignKey,
    ] {
        assert!(
            SCENARIOS.iter().any(|s| s.kind == kind),
            "{kind:?} has a scenario"
        );
    }
}
