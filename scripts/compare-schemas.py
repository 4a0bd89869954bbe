#!/usr/bin/env python3
"""Compares the logical schema of a SQLite database with that of a PostgreSQL database.

Usage:
    scripts/compare-schemas.py --sqlite PATH --pg-host H --pg-port P --pg-user U --pg-db D [--pg-schema public]
                               [--exclude TABLE]... [--diff-only] [--psql psql]

Both databases are read, not changed. SQLite is read with PRAGMA table_info / foreign_key_list / index_list /
index_xinfo (and sqlite_master for CHECK clauses, views and triggers); PostgreSQL with `psql` (no driver needed:
standard library only) from information_schema and pg_catalog (pg_index, pg_constraint, pg_trigger). A password, if
needed, comes the usual libpq way (PGPASSWORD, ~/.pgpass).

The normalised logical schema is, per table (bookkeeping tables excluded: sqlite_*, grdb_*, any name containing
"migration", and --exclude names):
    the ordered columns: name, type family (integer/text/real/blob/numeric/...), not null, default present, and
        whether the engine generates the value (SQLite's rowid alias INTEGER PRIMARY KEY, PostgreSQL identity/serial);
    the primary key columns, in key order;
    each foreign key: columns -> table(columns), ON DELETE and ON UPDATE actions;
    each unique constraint (columns in order), and each explicitly created unique index (name, columns, partial);
    each other index: name, columns in order (an expression is <expr>, a descending column is marked DESC), partial;
    the number of CHECK constraints;
and the views (name and column names) and triggers (name and table).

Names are compared exactly (PostgreSQL keeps camelCase only when the DDL quotes it). A column that is part of the
primary key counts as NOT NULL in SQLite when SQLite enforces it (rowid alias, WITHOUT ROWID table), as PostgreSQL
always does. Prints each engine's schema, then the differences; exits 0 when identical, 1 when they differ, 2 on error.
"""

import argparse
import difflib
import json
import re
import sqlite3
import subprocess
import sys

BOOKKEEPING = re.compile(r"^(sqlite_|grdb_)|migration", re.IGNORECASE)


def fail(message):
    print(f"compare-schemas: {message}", file=sys.stderr)
    sys.exit(2)


# --- SQLite ---------------------------------------------------------------------------------------------------------

def sqlite_type_family(declared):
    """SQLite's column affinity rules (https://sqlite.org/datatype3.html, 3.1), named like the families used here."""
    t = (declared or "").upper()
    if "INT" in t:
        return "integer"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "text"
    if "BLOB" in t or t == "":
        return "blob"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "real"
    return "numeric"


def strip_sql(sql):
    """The SQL with comments, string literals and quoted identifiers blanked, so keywords can be searched for."""
    out = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:  # doubled quote inside
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            out.append(" _ ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def q(name):
    return '"' + name.replace('"', '""') + '"'


def read_sqlite(path):
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        master = db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    except sqlite3.Error as error:
        fail(f"cannot read SQLite database {path}: {error}")
    schema = {"tables": {}, "views": {}, "triggers": {}}
    tables = [(name, sql) for kind, name, _, sql in master if kind == "table" and not BOOKKEEPING.search(name)]

    def pk_columns(table):
        rows = db.execute(f"PRAGMA table_info({q(table)})").fetchall()
        return [r[1] for r in sorted((r for r in rows if r[5] > 0), key=lambda r: r[5])]

    for name, sql in tables:
        stripped = strip_sql(sql or "")
        without_rowid = re.search(r"\bWITHOUT\s+ROWID\b", stripped, re.IGNORECASE) is not None
        info = db.execute(f"PRAGMA table_info({q(name)})").fetchall()  # cid, name, type, notnull, dflt_value, pk
        pk = [r[1] for r in sorted((r for r in info if r[5] > 0), key=lambda r: r[5])]
        rowid_alias = None
        if len(pk) == 1 and not without_rowid:
            declared = next(r[2] for r in info if r[1] == pk[0])
            if declared.upper() == "INTEGER":
                rowid_alias = pk[0]
        columns = []
        for cid, cname, ctype, notnull, default, in_pk in info:
            enforced_pk = in_pk > 0 and (without_rowid or cname == rowid_alias)
            columns.append({
                "name": cname,
                "type": sqlite_type_family(ctype),
                "notnull": bool(notnull) or enforced_pk,
                "default": default is not None,
                "auto": cname == rowid_alias,
            })
        fks = {}
        for fid, seq, parent, frm, to, on_update, on_delete, _match in db.execute(
                f"PRAGMA foreign_key_list({q(name)})"):
            fk = fks.setdefault(fid, {"columns": [], "table": parent, "refcolumns": [],
                                      "on_delete": on_delete.upper(), "on_update": on_update.upper()})
            fk["columns"].append((seq, frm))
            fk["refcolumns"].append((seq, to))
        foreign_keys = []
        for fk in fks.values():
            refs = [c for _, c in sorted(fk["refcolumns"])]
            if any(c is None for c in refs):  # REFERENCES parent without columns: the parent's primary key
                refs = pk_columns(fk["table"])
            foreign_keys.append({"columns": [c for _, c in sorted(fk["columns"])], "table": fk["table"],
                                 "refcolumns": refs, "on_delete": fk["on_delete"], "on_update": fk["on_update"]})
        indexes = []
        for _seq, iname, unique, origin, partial in db.execute(f"PRAGMA index_list({q(name)})"):
            if origin == "pk":
                continue
            cols = []
            for row in db.execute(f"PRAGMA index_xinfo({q(iname)})"):  # seqno, cid, name, desc, coll, key
                if not row[5]:
                    continue
                col = "<expr>" if row[1] == -2 else ("rowid" if row[1] == -1 else row[2])
                cols.append(col + (" DESC" if row[3] else ""))
            indexes.append({"name": None if origin == "u" else iname, "unique": bool(unique),
                            "columns": cols, "partial": bool(partial)})
        checks = len(re.findall(r"\bCHECK\s*\(", stripped, re.IGNORECASE))
        schema["tables"][name] = {"columns": columns, "pk": pk, "foreign_keys": foreign_keys,
                                  "indexes": indexes, "checks": checks}
    for kind, name, table, _sql in master:
        if kind == "view":
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({q(name)})")]
            schema["views"][name] = cols
        elif kind == "trigger" and not BOOKKEEPING.search(table):
            schema["triggers"][name] = table
    db.close()
    return schema


# --- PostgreSQL -----------------------------------------------------------------------------------------------------

PG_QUERY = r"""
WITH tbl AS (
    SELECT c.oid, c.relname, c.relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :'schema' AND c.relkind IN ('r', 'p', 'v', 'm')
)
SELECT json_build_object(
    'tables', coalesce((SELECT json_agg(json_build_object(
        'name', t.relname,
        'columns', (SELECT json_agg(json_build_object(
                'name', col.column_name, 'type', col.data_type, 'udt', col.udt_name,
                'notnull', col.is_nullable = 'NO', 'default', col.column_default,
                'identity', col.is_identity = 'YES') ORDER BY col.ordinal_position)
            FROM information_schema.columns col
            WHERE col.table_schema = :'schema' AND col.table_name = t.relname),
        'pk', (SELECT json_agg(a.attname ORDER BY k.ord)
            FROM pg_constraint con
            CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
            WHERE con.conrelid = t.oid AND con.contype = 'p'),
        'foreign_keys', (SELECT json_agg(json_build_object(
                'columns', (SELECT json_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
                'table', (SELECT relname FROM pg_class WHERE oid = con.confrelid),
                'refcolumns', (SELECT json_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
                'on_delete', con.confdeltype, 'on_update', con.confupdtype))
            FROM pg_constraint con WHERE con.conrelid = t.oid AND con.contype = 'f'),
        'indexes', (SELECT json_agg(json_build_object(
                'name', ic.relname, 'unique', i.indisunique, 'primary', i.indisprimary,
                'constraint', EXISTS (SELECT 1 FROM pg_constraint con
                                      WHERE con.conindid = i.indexrelid AND con.conrelid = t.oid
                                        AND con.contype IN ('p', 'u')),
                'partial', i.indpred IS NOT NULL,
                'columns', (SELECT json_agg(
                        CASE WHEN i.indkey[g.n] = 0 THEN '<expr>'
                             ELSE (SELECT attname FROM pg_attribute
                                   WHERE attrelid = i.indrelid AND attnum = i.indkey[g.n]) END
                        || CASE WHEN i.indoption[g.n] & 1 = 1 THEN ' DESC' ELSE '' END ORDER BY g.n)
                    FROM generate_series(0, i.indnkeyatts - 1) AS g(n))))
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = t.oid),
        'checks', (SELECT count(*) FROM pg_constraint con WHERE con.conrelid = t.oid AND con.contype = 'c')))
        FROM tbl t WHERE t.relkind IN ('r', 'p')), '[]'),
    'views', coalesce((SELECT json_agg(json_build_object(
        'name', t.relname,
        'columns', (SELECT json_agg(col.column_name ORDER BY col.ordinal_position)
            FROM information_schema.columns col
            WHERE col.table_schema = :'schema' AND col.table_name = t.relname)))
        FROM tbl t WHERE t.relkind IN ('v', 'm')), '[]'),
    'triggers', coalesce((SELECT json_agg(json_build_object('name', tg.tgname, 'table', t.relname))
        FROM pg_trigger tg JOIN tbl t ON t.oid = tg.tgrelid
        WHERE NOT tg.tgisinternal), '[]')
);
"""

PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def pg_type_family(data_type, udt):
    if data_type in ("bigint", "integer", "smallint"):
        return "integer"
    if data_type in ("text", "character varying", "character", "name") or udt == "citext":
        return "text"
    if data_type in ("double precision", "real"):
        return "real"
    if data_type == "bytea":
        return "blob"
    if data_type == "numeric":
        return "numeric"
    return data_type  # boolean, json, timestamp with time zone...: no SQLite family


def read_postgres(args):
    command = [args.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-v", f"schema={args.pg_schema}",
               "-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user, "-d", args.pg_db, "-f", "-"]
    try:
        result = subprocess.run(command, input=PG_QUERY, capture_output=True, text=True, check=False)
    except OSError as error:
        fail(f"cannot run {args.psql}: {error}")
    if result.returncode != 0:
        fail(f"psql failed ({result.returncode}): {result.stderr.strip()}")
    try:
        raw = json.loads(result.stdout)
    except ValueError:
        fail(f"unexpected psql output: {result.stdout[:500]!r}")
    schema = {"tables": {}, "views": {}, "triggers": {}}
    for t in raw["tables"]:
        if BOOKKEEPING.search(t["name"]):
            continue
        pk = t["pk"] or []
        columns = []
        for c in t["columns"] or []:
            serial = (c["default"] or "").startswith("nextval(")
            columns.append({
                "name": c["name"],
                "type": pg_type_family(c["type"], c["udt"]),
                "notnull": c["notnull"],
                "default": c["default"] is not None and not serial,
                "auto": c["identity"] or serial,
            })
        foreign_keys = [{"columns": fk["columns"], "table": fk["table"], "refcolumns": fk["refcolumns"],
                         "on_delete": PG_ACTIONS[fk["on_delete"]], "on_update": PG_ACTIONS[fk["on_update"]]}
                        for fk in t["foreign_keys"] or []]
        indexes = [{"name": None if ix["constraint"] else ix["name"], "unique": ix["unique"],
                    "columns": ix["columns"], "partial": ix["partial"]}
                   for ix in t["indexes"] or [] if not ix["primary"]]
        schema["tables"][t["name"]] = {"columns": columns, "pk": pk, "foreign_keys": foreign_keys,
                                       "indexes": indexes, "checks": t["checks"]}
    for v in raw["views"]:
        schema["views"][v["name"]] = v["columns"] or []
    for tg in raw["triggers"]:
        if not BOOKKEEPING.search(tg["table"]):
            schema["triggers"][tg["name"]] = tg["table"]
    return schema


# --- Normalised text ------------------------------------------------------------------------------------------------

def yes(flag):
    return "yes" if flag else "no"


def render(schema, excluded):
    """The schema as lines, identifiers in lower case: both engines fold unquoted identifiers (SQLite compares them
    case-insensitively, PostgreSQL folds them to lower case), so `imageId` in a query names the same column in both."""
    return [line.lower() for line in render_cased(schema, excluded)]


def render_cased(schema, excluded):
    lines = []
    for name in sorted(schema["tables"], key=str.lower):
        if name in excluded:
            continue
        t = schema["tables"][name]
        lines.append(f"table {name}")
        for c in t["columns"]:
            lines.append(f"  column {c['name']}: {c['type']}, not null {yes(c['notnull'])}, "
                         f"default {yes(c['default'])}, generated key {yes(c['auto'])}")
        lines.append(f"  primary key ({', '.join(t['pk'])})")
        for fk in sorted((f"  foreign key ({', '.join(fk['columns'])}) -> {fk['table']}({', '.join(fk['refcolumns'])})"
                         f" on delete {fk['on_delete']}, on update {fk['on_update']}" for fk in t["foreign_keys"]), key=str.lower):
            lines.append(fk)
        unique, plain = [], []
        for ix in t["indexes"]:
            cols = ", ".join(ix["columns"])
            if ix["unique"] and ix["name"] is None:
                unique.append(f"  unique ({cols})" + (", partial" if ix["partial"] else ""))
            elif ix["unique"]:
                unique.append(f"  unique index {ix['name']} ({cols}), partial {yes(ix['partial'])}")
            else:
                plain.append(f"  index {ix['name']} ({cols}), partial {yes(ix['partial'])}")
        lines += sorted(unique, key=str.lower) + sorted(plain, key=str.lower)
        lines.append(f"  check constraints: {t['checks']}")
    for name in sorted(schema["views"]):
        lines.append(f"view {name} ({', '.join(schema['views'][name])})")
    for name in sorted(schema["triggers"]):
        lines.append(f"trigger {name} on {schema['triggers'][name]}")
    return lines


def main():
    parser = argparse.ArgumentParser(description="Compare the logical schema of a SQLite and a PostgreSQL database.")
    parser.add_argument("--sqlite", required=True, metavar="PATH", help="SQLite database file")
    parser.add_argument("--pg-host", required=True)
    parser.add_argument("--pg-port", required=True, type=int)
    parser.add_argument("--pg-user", required=True)
    parser.add_argument("--pg-db", required=True)
    parser.add_argument("--pg-schema", default="public", help="PostgreSQL schema to read (default: public)")
    parser.add_argument("--exclude", action="append", default=[], metavar="TABLE",
                        help="another bookkeeping table to leave out (repeatable)")
    parser.add_argument("--diff-only", action="store_true", help="print only the differences")
    parser.add_argument("--psql", default="psql", help="psql executable (default: psql on PATH)")
    args = parser.parse_args()

    excluded = set(args.exclude)
    sqlite_lines = render(read_sqlite(args.sqlite), excluded)
    pg_lines = render(read_postgres(args), excluded)
    if not args.diff_only:
        print(f"== SQLite: {args.sqlite}")
        print("\n".join(sqlite_lines))
        print(f"\n== PostgreSQL: {args.pg_user}@{args.pg_host}:{args.pg_port}/{args.pg_db}, schema {args.pg_schema}")
        print("\n".join(pg_lines))
        print()
    if sqlite_lines == pg_lines:
        print(f"schemas are identical ({sum(l.startswith('table ') for l in sqlite_lines)} tables, "
              f"{sum(l.startswith('view ') for l in sqlite_lines)} views, "
              f"{sum(l.startswith('trigger ') for l in sqlite_lines)} triggers)")
        return 0
    print("schemas differ (- SQLite, + PostgreSQL):")
    sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(
        sqlite_lines, pg_lines, "sqlite", "postgresql", lineterm="", n=2))
    return 1


if __name__ == "__main__":
    sys.exit(main())
