#!/usr/bin/env python3
"""The parse-and-insert floor of a scan ingest: for each CycloneDX FILE, parse the JSON (json.loads of the bytes
read from disk) and insert one row per component into a scratch copy of the schema's `component` and
`componentKey` tables (their definitions and indexes read from the migrated database SCHEMA, foreign keys left
out), with executemany in one transaction committed in WAL mode with synchronous=NORMAL, as the server's SQLite
connection is set up. The row values are taken from the purl with plain string operations, nothing validated or
matched. Prints one line per file: seconds in all (parse + insert + commit, timed with time.perf_counter), seconds
parsing (json.loads), seconds building and inserting the rows and committing, rows.
Usage: floor.py SCHEMA SCRATCH_DIR FILE..."""
import json, os, sqlite3, sys, time

schema, scratch, files = sys.argv[1], sys.argv[2], sys.argv[3:]
source = sqlite3.connect(f"file:{schema}?mode=ro", uri=True)
ddl = [sql for (sql,) in source.execute(
    "SELECT sql FROM sqlite_master WHERE tbl_name IN ('component', 'componentKey') AND sql IS NOT NULL "
    "ORDER BY type DESC")]  # tables before their indexes
source.close()
ddl = [s.replace("REFERENCES image(id) ON DELETE CASCADE", "").replace("REFERENCES scan(id) ON DELETE CASCADE", "")
        .replace("REFERENCES component(id) ON DELETE CASCADE", "") for s in ddl]


def row_values(component):
    purl = component.get("purl") or ""
    base, _, rest = purl.partition("@")
    version = rest.split("?", 1)[0] or component.get("version", "")
    qualifiers = dict(q.split("=", 1) for q in rest.partition("?")[2].split("&") if "=" in q)
    layer = next((p["value"] for p in component.get("properties", []) if p.get("name") == "syft:location:0:layerID"), None)
    return (purl, base, "Debian", "12", component["name"], version, qualifiers.get("upstream"), None, layer)


for index, path in enumerate(files):
    target = os.path.join(scratch, f"floor-{index}.sqlite")
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    for statement in ddl:
        db.execute(statement)
    raw = open(path, "rb").read()
    start = time.perf_counter()
    document = json.loads(raw)
    parsed = time.perf_counter()
    rows = [row_values(c) for c in document["components"] if c.get("type") == "library"]
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, release, name, version, sourceName,"
        " sourceVersion, layerDigest) VALUES (1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    first = db.execute("SELECT min(id) FROM component").fetchone()[0]
    db.executemany("INSERT INTO componentKey (componentId, matchKey) VALUES (?, ?)",
                   [(first + i, "Debian|" + (r[6] or r[4])) for i, r in enumerate(rows)])
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
    print(f"{elapsed:.6f} {parsed - start:.6f} {elapsed - (parsed - start):.6f} {len(rows)}")
