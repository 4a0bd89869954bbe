-- 0003: advisories (OSV records), their aliases and match keys, each component's match keys, the findings that
-- matching produces, and VEX statements.

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
CREATE INDEX advisory_on_vulnerabilityId ON advisory(vulnerabilityId);

-- Every other id a record names: `aliases` (kind 'alias') and `upstream` (kind 'upstream').
CREATE TABLE advisoryAlias (
    advisoryId INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('alias', 'upstream')),
    PRIMARY KEY (advisoryId, alias, kind)
);
CREATE INDEX advisoryAlias_on_alias ON advisoryAlias(alias);

-- `<OSV ecosystem>|<normalised package name>` for each affected package of a record (see MatchKey).
CREATE TABLE advisoryKey (
    advisoryId INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
    matchKey TEXT NOT NULL,
    PRIMARY KEY (matchKey, advisoryId)
) WITHOUT ROWID;
CREATE INDEX advisoryKey_on_advisoryId ON advisoryKey(advisoryId);

-- The same keys for each component (binary and/or source package name as the ecosystem's advisories use them).
CREATE TABLE componentKey (
    componentId INTEGER NOT NULL REFERENCES component(id) ON DELETE CASCADE,
    matchKey TEXT NOT NULL,
    PRIMARY KEY (matchKey, componentId)
) WITHOUT ROWID;
CREATE INDEX componentKey_on_componentId ON componentKey(componentId);

-- Image × package × advisory. Kept when the package leaves the image (state 'resolved'), for time-to-patch.
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
CREATE INDEX finding_on_advisoryId ON finding(advisoryId);
CREATE INDEX finding_on_componentId ON finding(componentId);
CREATE INDEX finding_on_vulnerabilityId ON finding(vulnerabilityId);
CREATE INDEX finding_on_state_severity ON finding(state, severityLevel);

-- One VEX statement about one product (an image digest, a repository, or a component purl), optionally narrowed
-- to a component purl inside it. The newest statement per subject and vulnerability decides.
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
CREATE INDEX vexStatement_on_vulnerabilityId ON vexStatement(vulnerabilityId);
CREATE INDEX vexStatement_on_subject ON vexStatement(subjectKind, subject);

-- The newest VEX statement that applies to each finding, if any. A statement applies when its vulnerability id is
-- the finding's vulnerability or any id or alias of an advisory in that vulnerability, its subject is the finding's
-- image (by digest), a repository the image is in or tagged in, or the finding's package (purl, with or without
-- version), and its component purl (when given) is the finding's package. Statuses not_affected and fixed suppress.
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
