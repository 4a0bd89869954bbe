CREATE VIEW findingStatement AS
SELECT f.id AS findingId,
    (SELECT v.id FROM vexStatement v
     WHERE (v.vulnerabilityId = f.vulnerabilityId
            OR EXISTS (SELECT 1 FROM advisory a WHERE a.vulnerabilityId = f.vulnerabilityId AND a.osvId = v.vulnerabilityId)
            OR EXISTS (SELECT 1 FROM advisory a JOIN advisoryAlias aa ON aa.advisoryId = a.id
                       WHERE a.vulnerabilityId = f.vulnerabilityId AND aa.alias = v.vulnerabilityId))
       AND ((v.subjectKind = 'image' AND v.subject = (SELECT digest FROM image WHERE id = f.imageId))
            OR (v.subjectKind = 'repository' AND (
                v.subject = (SELECT r.name FROM image i JOIN repository r ON r.id = i.repositoryId WHERE i.id = f.imageId)
                OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                           WHERE t.imageId = f.imageId AND r.name = v.subject)))
            OR (v.subjectKind = 'component' AND (f.purl = v.subject OR substr(f.purl, 1, length(v.subject) + 1) IN (v.subject || '@', v.subject || '?'))))
       AND (v.componentPurl IS NULL OR f.purl = v.componentPurl
            OR substr(f.purl, 1, length(v.componentPurl) + 1) IN (v.componentPurl || '@', v.componentPurl || '?'))
     ORDER BY coalesce(v.statedAt, v.createdAt) DESC, v.id DESC
     LIMIT 1) AS statementId
FROM finding f;
CREATE TABLE advisory (
    id INTEGER PRIMARY KEY,
    osvId TEXT NOT NULL UNIQUE,
    modified TEXT NOT NULL,
    published TEXT,
    withdrawn TEXT,
    summary TEXT,
    severityLevel TEXT NOT NULL CHECK (severityLevel IN ('unknown', 'low', 'medium', 'high', 'critical')),
    severityScore REAL,
    severitySource TEXT,
    -- The vulnerability this record belongs to: the canonical id of its alias group (a CVE id when one is known).
    vulnerabilityId TEXT NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record)),
    importedAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL
);
CREATE TABLE advisoryAlias (
    advisoryId INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('alias', 'upstream')),
    PRIMARY KEY (advisoryId, alias, kind)
);
CREATE TABLE advisoryKey (
    advisoryId INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
    matchKey TEXT NOT NULL,
    PRIMARY KEY (matchKey, advisoryId)
) WITHOUT ROWID;
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
CREATE TABLE componentKey (
    componentId INTEGER NOT NULL REFERENCES component(id) ON DELETE CASCADE,
    matchKey TEXT NOT NULL,
    PRIMARY KEY (matchKey, componentId)
) WITHOUT ROWID;
CREATE TABLE finding (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    componentId INTEGER REFERENCES component(id) ON DELETE SET NULL,
    purl TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    packageName TEXT NOT NULL,
    installedVersion TEXT NOT NULL,
    layerDigest TEXT,
    advisoryId INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
    vulnerabilityId TEXT NOT NULL,
    -- NULL: no fix yet.
    fixedVersion TEXT,
    severityLevel TEXT NOT NULL CHECK (severityLevel IN ('unknown', 'low', 'medium', 'high', 'critical')),
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    firstDetected TEXT NOT NULL,
    lastDetected TEXT NOT NULL,
    resolvedAt TEXT,
    UNIQUE (imageId, purl, advisoryId)
);
CREATE TABLE image (
    id INTEGER PRIMARY KEY,
    -- An image is its manifest digest; the repository is where it was first seen.
    digest TEXT NOT NULL UNIQUE CHECK (digest GLOB 'sha256:*' AND length(digest) = 71),
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    platform TEXT,
    created TEXT,
    labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
    sourceRepository TEXT,
    sourceRevision TEXT,
    baseReference TEXT,
    baseRepository TEXT,
    baseDigest TEXT CHECK (baseDigest IS NULL OR (baseDigest GLOB 'sha256:*' AND length(baseDigest) = 71)),
    firstSeen TEXT NOT NULL,
    lastSeen TEXT NOT NULL
);
CREATE TABLE repository (
    id INTEGER PRIMARY KEY,
    -- Normalised like docker does: 'nginx' is 'docker.io/library/nginx'.
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
    createdAt TEXT NOT NULL
);
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
CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    updatedAt TEXT NOT NULL,
    UNIQUE (repositoryId, name)
);
CREATE TABLE tagHistory (
    id INTEGER PRIMARY KEY,
    tagId INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    previousImageId INTEGER REFERENCES image(id) ON DELETE SET NULL,
    movedAt TEXT NOT NULL
);
CREATE TABLE token (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role TEXT NOT NULL CHECK (role IN ('admin', 'ingest', 'read')),
    -- The token's public lookup key (the characters after 'pt_', before '_'); not a secret.
    lookupKey TEXT NOT NULL UNIQUE,
    -- SHA-256 of the whole token; the token itself is never stored.
    secretHash BLOB NOT NULL CHECK (length(secretHash) = 32),
    createdAt TEXT NOT NULL,
    createdBy INTEGER REFERENCES token(id) ON DELETE SET NULL,
    lastUsedAt TEXT,
    revokedAt TEXT
);
CREATE TABLE vexStatement (
    id INTEGER PRIMARY KEY,
    format TEXT NOT NULL CHECK (format IN ('openvex', 'cyclonedx')),
    documentId TEXT,
    vulnerabilityId TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    subjectKind TEXT NOT NULL CHECK (subjectKind IN ('image', 'repository', 'component')),
    subject TEXT NOT NULL,
    componentPurl TEXT,
    status TEXT NOT NULL CHECK (status IN ('not_affected', 'affected', 'fixed', 'under_investigation')),
    justification TEXT,
    impactStatement TEXT,
    actionStatement TEXT,
    statedAt TEXT,
    createdAt TEXT NOT NULL
);
CREATE INDEX advisoryAlias_on_alias ON advisoryAlias(alias);
CREATE INDEX advisoryKey_on_advisoryId ON advisoryKey(advisoryId);
CREATE INDEX advisory_on_vulnerabilityId ON advisory(vulnerabilityId);
CREATE INDEX componentKey_on_componentId ON componentKey(componentId);
CREATE INDEX component_on_imageId ON component(imageId, id);
CREATE INDEX component_on_purlBase ON component(purlBase, version);
CREATE INDEX finding_on_advisoryId ON finding(advisoryId);
CREATE INDEX finding_on_componentId ON finding(componentId);
CREATE INDEX finding_on_state_severity ON finding(state, severityLevel);
CREATE INDEX finding_on_vulnerabilityId ON finding(vulnerabilityId);
CREATE INDEX image_on_baseDigest ON image(baseDigest);
CREATE INDEX image_on_repositoryId ON image(repositoryId, id);
CREATE INDEX scan_on_imageId ON scan(imageId, id);
CREATE INDEX scannerVerdict_on_imageId ON scannerVerdict(imageId, advisoryId);
CREATE INDEX tagHistory_on_tagId ON tagHistory(tagId, id);
CREATE INDEX tag_on_imageId ON tag(imageId);
CREATE INDEX vexStatement_on_subject ON vexStatement(subjectKind, subject);
CREATE INDEX vexStatement_on_vulnerabilityId ON vexStatement(vulnerabilityId);
