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
, fixFirstSeen TEXT);
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
CREATE TABLE build (
    id INTEGER PRIMARY KEY,
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    tag TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 128),
    status TEXT NOT NULL CHECK (status IN ('started', 'succeeded', 'failed')),
    -- The digest built (required on success).
    imageId INTEGER REFERENCES image(id) ON DELETE CASCADE,
    -- The digest the build rebuilds.
    replacesImageId INTEGER REFERENCES image(id) ON DELETE SET NULL,
    url TEXT CHECK (url IS NULL OR length(url) <= 2048),
    message TEXT CHECK (message IS NULL OR length(message) <= 10000),
    startedAt TEXT NOT NULL,
    finishedAt TEXT,
    updatedAt TEXT NOT NULL,
    tokenId INTEGER REFERENCES token(id) ON DELETE SET NULL,
    tokenName TEXT NOT NULL,
    CHECK (status <> 'succeeded' OR imageId IS NOT NULL),
    CHECK ((status = 'started') = (finishedAt IS NULL)),
    CHECK (imageId IS NULL OR replacesImageId IS NULL OR imageId <> replacesImageId)
);
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
CREATE TABLE environment (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
    stage TEXT NOT NULL CHECK (length(stage) BETWEEN 1 AND 63),
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 1000000),
    description TEXT CHECK (description IS NULL OR length(description) <= 1000),
    -- The newest inventory snapshot: what runs there now. NULL until the first post.
    currentSnapshotId INTEGER REFERENCES inventorySnapshot(id) ON DELETE SET NULL,
    createdAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL
);
CREATE TABLE epss (
    cve TEXT NOT NULL PRIMARY KEY,
    score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    percentile REAL NOT NULL CHECK (percentile BETWEEN 0 AND 1),
    scoreDate TEXT NOT NULL,
    feed TEXT NOT NULL
);
CREATE TABLE event (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    type TEXT NOT NULL,
    occurredAt TEXT NOT NULL,
    -- The standard JSON body.
    body TEXT NOT NULL
);
CREATE TABLE eventStage (
    stage TEXT NOT NULL,
    type TEXT NOT NULL,
    imageId INTEGER NOT NULL,
    findingId INTEGER NOT NULL,
    createdAt TEXT NOT NULL
);
CREATE TABLE feed (
    name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
    kind TEXT NOT NULL CHECK (kind IN ('osv', 'kev', 'epss')),
    url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    -- A JSON array of OSV ecosystem names; NULL: every ecosystem PatchTrack can match (Core's Ecosystem.osvNames).
    ecosystems TEXT,
    intervalMinutes INTEGER NOT NULL CHECK (intervalMinutes BETWEEN 1 AND 10080),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    createdAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL,
    -- When it was last enabled (staleness of a feed that never succeeded counts from there).
    enabledAt TEXT,
    -- When the next sync is due; NULL: as soon as a worker sees it (new, enabled, or a sync asked for).
    nextRun TEXT,
    lastAttempt TEXT,
    lastSuccess TEXT,
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    -- The last sync's rejected records, at most 100, as a JSON array of {record, reason}.
    rejections TEXT NOT NULL DEFAULT '[]',
    lastError TEXT,
    errorsTotal INTEGER NOT NULL DEFAULT 0,
    -- Records this feed has stored (advisories imported, KEV or EPSS rows).
    records INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE feedSource (
    feed TEXT NOT NULL REFERENCES feed(name) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (length(source) <= 100),
    etag TEXT,
    lastModified TEXT,
    -- OSV: the newest (modified, id) imported and committed; the next sync reads modified_id.csv down to it.
    highWaterModified TEXT,
    highWaterId TEXT,
    -- OSV: 1 once all.zip was imported whole; until then a sync (re)starts it after zipEntriesDone entries of the
    -- archive with validator zipTag, and pendingModified/pendingId is the newest line of modified_id.csv read before
    -- the archive, which becomes the high-water mark when the archive is done.
    bootstrapped INTEGER NOT NULL DEFAULT 0 CHECK (bootstrapped IN (0, 1)),
    zipEntriesDone INTEGER NOT NULL DEFAULT 0,
    zipTag TEXT,
    pendingModified TEXT,
    pendingId TEXT,
    lastAttempt TEXT,
    lastSuccess TEXT,
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    lastError TEXT,
    PRIMARY KEY (feed, source)
);
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
CREATE TABLE findingFate (
    findingId INTEGER PRIMARY KEY REFERENCES finding(id) ON DELETE CASCADE,
    successorImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    fate TEXT NOT NULL CHECK (fate IN ('fixed_in_successor', 'still_present')),
    decidedAt TEXT NOT NULL
);
CREATE TABLE findingNotice (
    findingId INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'breached')),
    at TEXT NOT NULL,
    PRIMARY KEY (findingId, kind)
) WITHOUT ROWID;
CREATE TABLE generation (
    name TEXT NOT NULL PRIMARY KEY CHECK (name IN ('writes', 'findingWrites')),
    value INTEGER NOT NULL CHECK (value >= 0)
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
CREATE TABLE imageChange (
    generation INTEGER NOT NULL CHECK (generation > 0),
    imageId INTEGER
);
CREATE TABLE imageIndexEntry (
    indexImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    PRIMARY KEY (indexImageId, imageId)
) WITHOUT ROWID;
CREATE TABLE imageRunning (
    environmentId INTEGER NOT NULL REFERENCES environment(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    firstRunningAt TEXT NOT NULL,
    lastRunningAt TEXT NOT NULL,
    stoppedAt TEXT,
    replicas INTEGER NOT NULL CHECK (replicas >= 0),
    PRIMARY KEY (environmentId, imageId)
) WITHOUT ROWID;
CREATE TABLE imageSignature (
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('verified', 'invalid', 'unsigned', 'unsupported', 'unchecked')),
    keyName TEXT,
    detail TEXT,
    -- Where the signatures were found: 'referrers', 'tag' or NULL (none found).
    source TEXT,
    checkedAt TEXT NOT NULL,
    PRIMARY KEY (imageId)
) WITHOUT ROWID;
CREATE TABLE "inventoryContainer" (
    id INTEGER PRIMARY KEY,
    workloadId INTEGER NOT NULL,
    snapshotId INTEGER NOT NULL,
    container TEXT NOT NULL,
    isInit INTEGER NOT NULL CHECK (isInit IN (0, 1)),
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    reference TEXT NOT NULL,
    replicas INTEGER NOT NULL CHECK (replicas > 0),
    FOREIGN KEY (workloadId, snapshotId) REFERENCES inventoryWorkload(id, snapshotId) ON DELETE CASCADE
);
CREATE TABLE inventorySnapshot (
    id INTEGER PRIMARY KEY,
    environmentId INTEGER NOT NULL REFERENCES environment(id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('pod-list', 'pod', 'workload-list')),
    takenAt TEXT NOT NULL,
    workloads INTEGER NOT NULL CHECK (workloads >= 0),
    replicas INTEGER NOT NULL CHECK (replicas >= 0),
    skipped INTEGER NOT NULL CHECK (skipped >= 0),
    tokenId INTEGER REFERENCES token(id) ON DELETE SET NULL,
    tokenName TEXT NOT NULL
);
CREATE TABLE inventoryWorkload (
    id INTEGER PRIMARY KEY,
    snapshotId INTEGER NOT NULL REFERENCES inventorySnapshot(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 3 AND 512),
    kind TEXT NOT NULL,
    replicas INTEGER NOT NULL CHECK (replicas >= 0),
    UNIQUE (snapshotId, name)
);
CREATE TABLE kev (
    cve TEXT NOT NULL PRIMARY KEY,
    dateAdded TEXT NOT NULL,
    dueDate TEXT,
    ransomware INTEGER NOT NULL CHECK (ransomware IN (0, 1)),
    feed TEXT NOT NULL
);
CREATE TABLE lease (
    name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    acquiredAt TEXT NOT NULL,
    expiresAt TEXT NOT NULL
);
CREATE TABLE planNotice (
    digest TEXT NOT NULL PRIMARY KEY,
    reasons TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE policyChange (
    id INTEGER PRIMARY KEY,
    -- NULL: the defaults; otherwise the repository whose override changed.
    repository TEXT,
    tokenId INTEGER REFERENCES token(id) ON DELETE SET NULL,
    tokenName TEXT NOT NULL,
    changedAt TEXT NOT NULL,
    oldValue TEXT CHECK (oldValue IS NULL OR json_valid(oldValue)),
    newValue TEXT NOT NULL CHECK (json_valid(newValue))
);
CREATE TABLE rebuildPolicy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    minimumSeverity TEXT NOT NULL CHECK (minimumSeverity IN ('unknown', 'low', 'medium', 'high', 'critical')),
    requireFix INTEGER NOT NULL CHECK (requireFix IN (0, 1)),
    -- NULL: no maximum age.
    maximumAgeDays INTEGER CHECK (maximumAgeDays IS NULL OR maximumAgeDays BETWEEN 0 AND 36500),
    -- Repository patterns (`docker.io/library/*`, `ghcr.io/acme/**`); an empty array trusts every base.
    trustedBasePatterns TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(trustedBasePatterns) AND json_type(trustedBasePatterns) = 'array'),
    -- Days to patch per severity (used by rollouts and SLA reports).
    slaCriticalDays INTEGER NOT NULL CHECK (slaCriticalDays BETWEEN 0 AND 36500),
    slaHighDays INTEGER NOT NULL CHECK (slaHighDays BETWEEN 0 AND 36500),
    slaMediumDays INTEGER NOT NULL CHECK (slaMediumDays BETWEEN 0 AND 36500),
    slaLowDays INTEGER NOT NULL CHECK (slaLowDays BETWEEN 0 AND 36500),
    -- NULL until the defaults are first changed.
    updatedAt TEXT
, slaKevDays INTEGER CHECK (slaKevDays IS NULL OR slaKevDays BETWEEN 0 AND 36500), trustedKeys TEXT NOT NULL DEFAULT '[]', trustedKeysChangedAt TEXT, requireSignedBase INTEGER NOT NULL DEFAULT 0 CHECK (requireSignedBase IN (0, 1)));
CREATE TABLE rebuildRequest (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    tokenId INTEGER REFERENCES token(id) ON DELETE SET NULL,
    requestedBy TEXT NOT NULL,
    requestedAt TEXT NOT NULL,
    closedAt TEXT,
    closedByBuildId INTEGER REFERENCES build(id) ON DELETE SET NULL
);
CREATE TABLE registry (
    host TEXT NOT NULL PRIMARY KEY CHECK (length(host) BETWEEN 1 AND 255),
    url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    insecure INTEGER NOT NULL CHECK (insecure IN (0, 1)),
    authKind TEXT NOT NULL CHECK (authKind IN ('none', 'basic', 'token')),
    createdAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL,
    lastSuccess TEXT,
    lastError TEXT,
    lastErrorAt TEXT
);
CREATE TABLE registryCredential (
    host TEXT NOT NULL REFERENCES registry(host) ON DELETE CASCADE,
    username TEXT,
    secret TEXT NOT NULL,
    PRIMARY KEY (host)
) WITHOUT ROWID;
CREATE TABLE repository (
    id INTEGER PRIMARY KEY,
    -- Normalised like docker does: 'nginx' is 'docker.io/library/nginx'.
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
    createdAt TEXT NOT NULL
);
CREATE TABLE repositoryPolicy (
    id INTEGER PRIMARY KEY,
    repository TEXT NOT NULL UNIQUE CHECK (length(repository) BETWEEN 1 AND 255),
    minimumSeverity TEXT CHECK (minimumSeverity IS NULL OR minimumSeverity IN ('unknown', 'low', 'medium', 'high', 'critical')),
    requireFix INTEGER CHECK (requireFix IS NULL OR requireFix IN (0, 1)),
    maximumAge TEXT NOT NULL DEFAULT 'inherit' CHECK (maximumAge IN ('inherit', 'none', 'days')),
    maximumAgeDays INTEGER CHECK (maximumAgeDays IS NULL OR maximumAgeDays BETWEEN 0 AND 36500),
    trustedBasePatterns TEXT
        CHECK (trustedBasePatterns IS NULL OR (json_valid(trustedBasePatterns) AND json_type(trustedBasePatterns) = 'array')),
    updatedAt TEXT NOT NULL,
    CHECK ((maximumAge = 'days') = (maximumAgeDays IS NOT NULL))
);
CREATE TABLE rollout (
    id INTEGER PRIMARY KEY,
    environmentId INTEGER NOT NULL REFERENCES environment(id) ON DELETE CASCADE,
    workload TEXT NOT NULL CHECK (length(workload) BETWEEN 3 AND 512),
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    toImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    steps TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(steps) AND json_type(steps) = 'array'),
    state TEXT NOT NULL CHECK (state IN ('progressing', 'paused', 'promoted', 'completed', 'aborted', 'rolled_back')),
    -- The last weight reported by the rollout controller.
    weight INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 100),
    -- The share of the workload's replicas on toImageId in the newest inventory; NULL until one shows the workload.
    observedWeight INTEGER CHECK (observedWeight IS NULL OR observedWeight BETWEEN 0 AND 100),
    observedAt TEXT,
    startedAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL,
    -- When it reached completed, aborted or rolled_back.
    finishedAt TEXT,
    -- When it was first promoted or completed (the end of its canary phase).
    promotedAt TEXT,
    tokenId INTEGER REFERENCES token(id) ON DELETE SET NULL,
    tokenName TEXT NOT NULL,
    CHECK ((state IN ('completed', 'aborted', 'rolled_back')) = (finishedAt IS NOT NULL))
);
CREATE TABLE rolloutEvent (
    id INTEGER PRIMARY KEY,
    rolloutId INTEGER NOT NULL REFERENCES rollout(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('progressing', 'paused', 'promoted', 'completed', 'aborted', 'rolled_back')),
    weight INTEGER CHECK (weight IS NULL OR weight BETWEEN 0 AND 100),
    at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('report', 'inventory')),
    recordedAt TEXT NOT NULL,
    tokenName TEXT
);
CREATE TABLE rolloutSource (
    rolloutId INTEGER NOT NULL REFERENCES rollout(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    PRIMARY KEY (rolloutId, imageId)
) WITHOUT ROWID;
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
CREATE TABLE supersession (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL UNIQUE REFERENCES image(id) ON DELETE CASCADE,
    successorImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    buildId INTEGER REFERENCES build(id) ON DELETE SET NULL,
    supersededAt TEXT NOT NULL,
    CHECK (imageId <> successorImageId)
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
CREATE TABLE uiSession (
    id INTEGER PRIMARY KEY,
    secretHash BLOB NOT NULL UNIQUE CHECK (length(secretHash) = 32),
    tokenId INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
    createdAt TEXT NOT NULL,
    expiresAt TEXT NOT NULL
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
CREATE TABLE "watch" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository TEXT NOT NULL CHECK (length(repository) BETWEEN 1 AND 255),
    -- A JSON array of tags, or NULL when tagPattern selects them.
    tags TEXT,
    tagPattern TEXT CHECK (tagPattern IS NULL OR length(tagPattern) BETWEEN 1 AND 256),
    intervalMinutes INTEGER NOT NULL CHECK (intervalMinutes BETWEEN 1 AND 10080),
    createdAt TEXT NOT NULL,
    tokenName TEXT,
    -- When the next poll is due; NULL: as soon as a worker sees it (new, or a poll asked for).
    nextRun TEXT,
    lastPoll TEXT,
    lastChange TEXT,
    lastError TEXT,
    -- The tags seen by the last poll: a JSON object {tag: digest}.
    tagsSeen TEXT NOT NULL DEFAULT '{}',
    pollsTotal INTEGER NOT NULL DEFAULT 0,
    errorsTotal INTEGER NOT NULL DEFAULT 0,
    CHECK ((tags IS NULL) <> (tagPattern IS NULL))
);
CREATE TABLE "webhook" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    -- A JSON array of event type names, or ["*"].
    events TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('standard', 'slack')),
    -- A JSON object {min_severity, environments, repositories}.
    filter TEXT NOT NULL DEFAULT '{}',
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    health TEXT NOT NULL DEFAULT 'active' CHECK (health IN ('active', 'failing', 'disabled')),
    healthReason TEXT,
    consecutiveFailures INTEGER NOT NULL DEFAULT 0,
    lastAttemptAt TEXT,
    lastSuccessAt TEXT,
    lastResponseCode INTEGER,
    lastError TEXT,
    createdAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL,
    tokenName TEXT
);
CREATE TABLE "webhookDelivery" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhookId INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    eventId TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    nextAttemptAt TEXT,
    lastAttemptAt TEXT,
    lastResponseCode INTEGER,
    lastError TEXT,
    createdAt TEXT NOT NULL,
    deliveredAt TEXT,
    UNIQUE (webhookId, eventId)
);
CREATE TABLE webhookSecret (
    webhookId INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    PRIMARY KEY (webhookId)
) WITHOUT ROWID;
CREATE INDEX advisoryAlias_on_alias ON advisoryAlias(alias);
CREATE INDEX advisoryKey_on_advisoryId ON advisoryKey(advisoryId);
CREATE INDEX advisory_on_vulnerabilityId ON advisory(vulnerabilityId);
CREATE INDEX build_on_imageId ON build(imageId);
CREATE INDEX build_on_replacesImageId ON build(replacesImageId);
CREATE INDEX build_on_repositoryId_tag ON build(repositoryId, tag, id);
CREATE INDEX build_on_status ON build(status, id);
CREATE INDEX componentKey_on_componentId ON componentKey(componentId);
CREATE INDEX component_on_imageId ON component(imageId, id);
CREATE INDEX component_on_purlBase_id ON component(purlBase, id, version);
CREATE INDEX epss_on_feed ON epss (feed);
CREATE INDEX epss_on_score ON epss (score);
CREATE INDEX eventStage_on_stage ON eventStage(stage);
CREATE INDEX event_on_occurredAt ON event(occurredAt);
CREATE INDEX findingFate_on_successorImageId ON findingFate(successorImageId);
CREATE INDEX finding_on_advisoryId ON finding(advisoryId);
CREATE INDEX finding_on_componentId ON finding(componentId);
CREATE INDEX finding_on_imageId_state ON finding(imageId, state, severityLevel);
CREATE INDEX finding_on_state_sla ON finding(state, severityLevel, (fixedVersion IS NOT NULL), firstDetected);
CREATE INDEX finding_on_vulnerabilityId ON finding(vulnerabilityId);
CREATE INDEX imageChange_on_generation ON imageChange (generation);
CREATE INDEX imageIndexEntry_on_imageId ON imageIndexEntry (imageId);
CREATE INDEX imageRunning_on_imageId ON imageRunning(imageId);
CREATE INDEX image_on_baseDigest ON image(baseDigest);
CREATE INDEX image_on_repositoryId ON image(repositoryId, id);
CREATE INDEX inventoryContainer_on_imageId ON inventoryContainer(imageId);
CREATE INDEX inventoryContainer_on_snapshotId ON inventoryContainer(snapshotId, imageId);
CREATE INDEX inventoryContainer_on_workloadId ON inventoryContainer(workloadId);
CREATE INDEX inventorySnapshot_on_environmentId ON inventorySnapshot(environmentId, id);
CREATE UNIQUE INDEX inventoryWorkload_on_id_snapshotId ON inventoryWorkload(id, snapshotId);
CREATE INDEX kev_on_feed ON kev (feed);
CREATE INDEX policyChange_on_repository ON policyChange(repository, id);
CREATE INDEX rebuildRequest_on_imageId ON rebuildRequest(imageId, closedAt);
CREATE INDEX rolloutEvent_on_rolloutId ON rolloutEvent(rolloutId, id);
CREATE INDEX rolloutSource_on_imageId ON rolloutSource(imageId);
CREATE INDEX rollout_on_environmentId_workload ON rollout(environmentId, workload);
CREATE INDEX rollout_on_state ON rollout(state, id);
CREATE INDEX rollout_on_toImageId ON rollout(toImageId);
CREATE INDEX scan_on_imageId ON scan(imageId, id);
CREATE INDEX scannerVerdict_on_imageId ON scannerVerdict(imageId, advisoryId);
CREATE INDEX supersession_on_successorImageId ON supersession(successorImageId);
CREATE INDEX tagHistory_on_tagId ON tagHistory(tagId, id);
CREATE INDEX tag_on_imageId ON tag(imageId);
CREATE INDEX uiSession_on_expiresAt ON uiSession(expiresAt);
CREATE INDEX uiSession_on_tokenId ON uiSession(tokenId);
CREATE INDEX vexStatement_on_subject ON vexStatement(subjectKind, subject);
CREATE INDEX vexStatement_on_vulnerabilityId ON vexStatement(vulnerabilityId);
CREATE INDEX watch_on_nextRun ON watch (nextRun);
CREATE INDEX webhookDelivery_on_eventId ON webhookDelivery(eventId);
CREATE INDEX webhookDelivery_on_status_nextAttemptAt ON webhookDelivery(status, nextAttemptAt);
