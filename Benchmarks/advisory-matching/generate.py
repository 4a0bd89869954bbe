#!/usr/bin/env python3
"""Fills a migrated PatchTrack database with a fleet for the matching benchmark: IMAGES images of COMPONENTS
Debian 12 packages each (names drawn with a skew from a pool, so some packages are in most images, as openssl is),
and ADVISORIES OSV records on the pool's source packages (one in five drawn by popularity, the rest uniformly; one
in ten with a fix above the fleet's versions). Rows are written directly, in
the shape the service writes them (components with their match keys, advisories with theirs); findings are left to
the service. Also writes the documents the benchmark posts: one new advisory, a 10k-component SBOM and a zip of
new records.
Usage: generate.py DATABASE OUTDIR [IMAGES] [COMPONENTS] [ADVISORIES] [ZIP_RECORDS]"""
import json, random, sqlite3, sys, zipfile

db_path, out = sys.argv[1], sys.argv[2]
images = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
per_image = int(sys.argv[4]) if len(sys.argv) > 4 else 100
advisories = int(sys.argv[5]) if len(sys.argv) > 5 else 100_000
zip_records = int(sys.argv[6]) if len(sys.argv) > 6 else 50_000
rng = random.Random(7)
pool = [f"pkg{i:05d}" for i in range(20_000)]
weights = [1.0 / (i + 1) ** 0.8 for i in range(len(pool))]
now = "2026-11-27T12:00:00.000Z"

def version():
    return f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 50)}-{rng.randint(1, 5)}"

db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.execute("INSERT INTO repository (id, name, createdAt) VALUES (1, 'registry.example.com/fleet/app', ?)", (now,))
component_id = 0
for image in range(1, images + 1):
    digest = "sha256:%064x" % image
    db.execute(
        "INSERT INTO image (id, digest, repositoryId, labels, firstSeen, lastSeen) VALUES (?, ?, 1, '{}', ?, ?)",
        (image, digest, now, now))
    db.execute(
        "INSERT INTO scan (id, imageId, format, coverage, contentHash, componentCount, verdictCount, countsByEcosystem,"
        " skipped, firstSeen, lastSeen) VALUES (?, ?, 'cyclonedx', 'inventory', ?, ?, 0, '{}', '[]', ?, ?)",
        (image, image, "%064x" % image, per_image, now, now))
    names = set()
    while len(names) < per_image:
        names.update(rng.choices(pool, weights, k=per_image - len(names)))
    rows, keys = [], []
    for name in sorted(names):  # set order varies per process (string hashing): sorted, the data set is the same each run
        component_id += 1
        v = version()
        rows.append((component_id, image, image, f"pkg:deb/debian/{name}@{v}?arch=amd64&distro=debian-12",
                     f"pkg:deb/debian/{name}", "Debian", "12", name, v))
        keys.append((component_id, f"Debian|{name}"))
    db.executemany(
        "INSERT INTO component (id, imageId, scanId, purl, purlBase, ecosystem, release, name, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO componentKey (componentId, matchKey) VALUES (?, ?)", keys)
    if image % 1000 == 0:
        db.commit()

def record(identifier, name, affecting=None):
    # Most advisories of a distribution are fixed below what current images carry: 1 in 10 here affects versions
    # a fleet may still run (a random fix), the rest were fixed in 0.9-1.
    if affecting is None:
        affecting = rng.random() < 0.1
    fixed = version() if affecting else "0.9-1"
    return {
        "id": identifier, "modified": "2026-01-01T00:00:00Z", "aliases": [f"CVE-2026-{identifier[-6:]}"],
        "summary": f"{name} test advisory",
        "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
    }

# Advisories spread over every package of the distribution (most of which few images carry), unlike components,
# which concentrate on the popular ones: one record in five names a package drawn by popularity.
def advisory_name():
    return rng.choices(pool, weights)[0] if rng.random() < 0.2 else rng.choice(pool)

rows, keys, aliases = [], [], []
for i in range(1, advisories + 1):
    name = advisory_name()
    identifier = f"TEST-DSA-{i:06d}"
    rows.append((i, identifier, "2026-01-01T00:00:00.000000000Z", "medium", f"CVE-2026-{i:06d}",
                 json.dumps(record(identifier, name)), now, now))
    keys.append((i, f"Debian|{name}"))
    aliases.append((i, f"CVE-2026-{i:06d}", "alias"))
db.executemany(
    "INSERT INTO advisory (id, osvId, modified, severityLevel, vulnerabilityId, record, importedAt, updatedAt)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.executemany("INSERT INTO advisoryKey (advisoryId, matchKey) VALUES (?, ?)", keys)
db.executemany("INSERT INTO advisoryAlias (advisoryId, alias, kind) VALUES (?, ?, ?)", aliases)
db.commit()
db.execute("ANALYZE")
db.close()

# One new advisory on a package about 1 image in 10 carries, a 10k-component SBOM, and a zip of new records.
json.dump(record("TEST-NEW-000001", pool[40], affecting=True), open(f"{out}/new-advisory.json", "w"))
sbom_names = set()
while len(sbom_names) < 10_000:
    sbom_names.update(rng.choices(pool, weights, k=10_000 - len(sbom_names)))
json.dump({
    "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
    "metadata": {"component": {"type": "container", "name": "registry.example.com/fleet/new", "version": "sha256:" + "f" * 64}},
    "components": [{"type": "library", "name": n, "version": version(),
                    "purl": f"pkg:deb/debian/{n}@{version()}?arch=amd64&distro=debian-12"} for n in sorted(sbom_names)],
}, open(f"{out}/sbom-10k.json", "w"))
with zipfile.ZipFile(f"{out}/records-50k.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for i in range(zip_records):
        name = advisory_name()
        identifier = f"TEST-ZIP-{i:06d}"
        archive.writestr(f"{identifier}.json", json.dumps(record(identifier, name)))
print(f"{images} images, {component_id} components, {advisories} advisories, {zip_records} records in the zip")
