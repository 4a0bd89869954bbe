-- 0002: scans (every document posted for an image), the image's current component set, and the verdicts scanners
-- reported (Trivy, Grype), kept next to the components to be compared with PatchTrack's own matching.

CREATE TABLE scan (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('cyclonedx', 'spdx', 'syft', 'trivy', 'grype')),
    specVersion TEXT,
    toolName TEXT,
    toolVersion TEXT,
    -- 'inventory' documents list every package; 'findings-only' ones (Grype) only the vulnerable ones.
    coverage TEXT NOT NULL CHECK (coverage IN ('inventory', 'findings-only')),
    documentCreated TEXT,
    -- SHA-256 of the posted bytes: posting the same document again only touches lastSeen.
    contentHash TEXT NOT NULL CHECK (length(contentHash) = 64),
    componentCount INTEGER NOT NULL CHECK (componentCount >= 0),
    verdictCount INTEGER NOT NULL CHECK (verdictCount >= 0),
    countsByEcosystem TEXT NOT NULL CHECK (json_valid(countsByEcosystem)),
    skipped TEXT NOT NULL CHECK (json_valid(skipped)),
    firstSeen TEXT NOT NULL,
    lastSeen TEXT NOT NULL,
    UNIQUE (imageId, contentHash)
);
CREATE INDEX scan_on_imageId ON scan(imageId, id);

CREATE TABLE component (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    scanId INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
    -- Canonical purl, and the same without version, qualifiers and subpath ("where do we ship openssl?").
    purl TEXT NOT NULL,
    purlBase TEXT NOT NULL,
    -- OSV ecosystem name without release ('Debian', 'PyPI'), or 'unsupported:<purl type>'.
    ecosystem TEXT NOT NULL,
    release TEXT,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    sourceName TEXT,
    sourceVersion TEXT,
    layerDigest TEXT,
    layerDiffId TEXT
);
CREATE INDEX component_on_imageId ON component(imageId, id);
CREATE INDEX component_on_purlBase ON component(purlBase, version);

CREATE TABLE scannerVerdict (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    scanId INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
    advisoryId TEXT NOT NULL,
    relatedAdvisoryIds TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(relatedAdvisoryIds)),
    purl TEXT,
    packageName TEXT NOT NULL,
    installedVersion TEXT,
    fixedVersions TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(fixedVersions)),
    fixState TEXT,
    severity TEXT,
    dataSource TEXT,
    layerDigest TEXT
);
CREATE INDEX scannerVerdict_on_imageId ON scannerVerdict(imageId, advisoryId);
