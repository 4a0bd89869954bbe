#!/usr/bin/env python3
"""Fills a migrated PatchTrack database for the rebuild-plan benchmark: 10,000 tagged images in three lineage levels
(100 OS bases, 1,900 runtimes built on them, 8,000 applications built on those), 100 components per image (1,000,000
components, each in a layer of the image or of its base), 5 open findings per image (50,000, mixed severities, most
with a fix), a few hundred VEX statements, moved base tags and open rebuild requests. Rows are written directly with
SQL; the schema is the one `patchtrack migrate` created.
Usage: generate.py DATABASE [IMAGES] [COMPONENTS_PER_IMAGE] [SEED]"""
import random, sqlite3, sys

path = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
per_image = int(sys.argv[3]) if len(sys.argv) > 3 else 100
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
now = "2026-11-27T00:00:00.000Z"
hexdigest = lambda: "".join(rng.choice("0123456789abcdef") for _ in range(64))
severities = ["low", "medium", "high", "critical", "unknown"]

level1 = total // 100            # OS bases
level2 = total * 19 // 100       # runtimes
level3 = total - level1 - level2  # applications

db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys = ON")
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
cur = db.cursor()

def created():
    return f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00.000Z"

repositories = {}
def repository(name):
    if name not in repositories:
        cur.execute("INSERT INTO repository (name, createdAt) VALUES (?, ?)", (name, now))
        repositories[name] = cur.lastrowid
    return repositories[name]

images = []  # (id, digest, repository name, tag, layers)
def image(repo, tag, base=None, tagged=True):
    digest = "sha256:" + hexdigest()
    base_reference = base_repository = base_digest = None
    if base:
        base_id, base_digest_value, base_repo, base_tag, _ = base
        base_reference, base_repository, base_digest = f"{base_repo}:{base_tag}@{base_digest_value}", base_repo, base_digest_value
    cur.execute(
        """INSERT INTO image (digest, repositoryId, created, labels, baseReference, baseRepository, baseDigest,
               firstSeen, lastSeen) VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?)""",
        (digest, repository(repo), created(), base_reference, base_repository, base_digest, now, now))
    row = (cur.lastrowid, digest, repo, tag, ["sha256:" + hexdigest() for _ in range(3)])
    if tagged:
        cur.execute("INSERT INTO tag (repositoryId, name, imageId, updatedAt) VALUES (?, ?, ?, ?)",
                    (repository(repo), tag, row[0], now))
        cur.execute("INSERT INTO tagHistory (tagId, imageId, movedAt) VALUES (?, ?, ?)", (cur.lastrowid, row[0], now))
    images.append(row)
    return row

# Level 1: OS bases; every tenth one's tag has moved on to a newer digest since its dependents were built.
bases = []
for i in range(level1):
    repo = f"docker.io/library/os{i}"
    if i % 10 == 0:
        old = image(repo, "stable", tagged=False)
        image(repo, "stable")
        bases.append(old)  # dependents were built on the old digest
    else:
        bases.append(image(repo, "stable"))
# Level 2: runtimes on the bases (some under an untrusted registry).
runtimes = []
for i in range(level2):
    registry = "ghcr.io/acme" if i % 50 else "quay.io/unknown"
    runtimes.append(image(f"{registry}/runtime{i}", "1", base=rng.choice(bases)))
# Level 3: applications on the runtimes.
for i in range(level3):
    image(f"ghcr.io/acme/app{i}", "latest", base=rng.choice(runtimes))

cur.execute(
    """INSERT INTO scan (imageId, format, coverage, contentHash, componentCount, verdictCount, countsByEcosystem,
           skipped, firstSeen, lastSeen) SELECT id, 'syft', 'inventory', printf('%064d', id), ?, 0, '{}', '[]', ?, ?
       FROM image""", (per_image, now, now))
scan_of = dict(cur.execute("SELECT imageId, id FROM scan"))
base_layers = {}
for row in images:
    base_layers[row[1]] = row[4]

# Components: per_image per image, in one of the image's own layers or its base's.
component_rows = []
finding_specs = []
base_of = dict(cur.execute("SELECT id, baseDigest FROM image"))
for image_id, digest, repo, tag, layers in images:
    parent_layers = base_layers.get(base_of.get(image_id) or "", [])
    for n in range(per_image):
        name = f"pkg{n}"
        version = f"1.{rng.randint(0, 9)}.{rng.randint(0, 30)}-1"
        purl = f"pkg:deb/debian/{name}@{version}?arch=amd64&distro=debian-12"
        layer = rng.choice(parent_layers) if parent_layers and n % 2 == 0 else rng.choice(layers)
        component_rows.append((image_id, scan_of[image_id], purl, f"pkg:deb/debian/{name}", "Debian", "12", name,
                               version, layer))
        if n < 5:
            finding_specs.append((image_id, purl, name, version, layer))
cur.executemany(
    """INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, release, name, version, layerDigest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", component_rows)

# Advisories and findings: 5 per image.
advisories = []
for i in range(2000):
    severity = rng.choice(severities)
    cur.execute(
        """INSERT INTO advisory (osvId, modified, severityLevel, vulnerabilityId, record, importedAt, updatedAt)
           VALUES (?, ?, ?, ?, '{}', ?, ?)""", (f"CVE-2026-{i:05d}", now, severity, f"CVE-2026-{i:05d}", now, now))
    advisories.append((cur.lastrowid, f"CVE-2026-{i:05d}", severity))
finding_rows = []
for image_id, purl, name, version, layer in finding_specs:
    advisory_id, vulnerability, severity = rng.choice(advisories)
    fixed = None if rng.random() < 0.3 else version + "+fix1"
    finding_rows.append((image_id, purl, "Debian", name, version, layer, advisory_id, vulnerability, fixed, severity,
                         now, now))
cur.executemany(
    """INSERT OR IGNORE INTO finding (imageId, purl, ecosystem, packageName, installedVersion, layerDigest, advisoryId,
           vulnerabilityId, fixedVersion, severityLevel, state, firstDetected, lastDetected)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)""", finding_rows)

# VEX: 300 statements saying images are not affected by one of their advisories.
sample = rng.sample(finding_rows, 300)
cur.executemany(
    """INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, status, statedAt, createdAt)
       VALUES ('openvex', ?, 'image', (SELECT digest FROM image WHERE id = ?), 'not_affected', ?, ?)""",
    [(row[7], row[0], now, now) for row in sample])

# Open rebuild requests for 100 images.
cur.executemany(
    "INSERT INTO rebuildRequest (imageId, reason, requestedBy, requestedAt) VALUES (?, 'benchmark', 'bench', ?)",
    [(row[0], now) for row in rng.sample(images, 100)])
db.commit()
counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ["image", "tag", "component", "finding", "vexStatement"]}
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("ANALYZE")
db.close()
print(" ".join(f"{k}={v}" for k, v in counts.items()))
