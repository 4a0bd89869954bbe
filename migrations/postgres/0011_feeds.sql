-- PostgreSQL form of the SQLite migration migrations/0011_feeds.sql (same tables, columns, keys).
-- 0011: advisory feeds (issue 12). A feed is an admin's configuration (kind, URL, ecosystems, interval, enabled)
-- with the status of its last sync; a feed source is one fetched document's state: an OSV ecosystem of an `osv`
-- feed (the modified_id.csv validators and the high-water mark its incremental syncs read down to, and how far the
-- first import of all.zip got), or the one document of a `kev` or `epss` feed ('' as its source). KEV and EPSS are
-- stored per CVE, with the feed that wrote them.

CREATE TABLE feed (
    name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
    kind TEXT NOT NULL CHECK (kind IN ('osv', 'kev', 'epss')),
    url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    -- A JSON array of OSV ecosystem names; NULL: every ecosystem PatchTrack can match (Core's Ecosystem.osvNames).
    ecosystems TEXT,
    intervalMinutes BIGINT NOT NULL CHECK (intervalMinutes BETWEEN 1 AND 10080),
    enabled BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    createdAt TEXT NOT NULL,
    updatedAt TEXT NOT NULL,
    -- When it was last enabled (staleness of a feed that never succeeded counts from there).
    enabledAt TEXT,
    -- When the next sync is due; NULL: as soon as a worker sees it (new, enabled, or a sync asked for).
    nextRun TEXT,
    lastAttempt TEXT,
    lastSuccess TEXT,
    added BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    -- The last sync's rejected records, at most 100, as a JSON array of {record, reason}.
    rejections TEXT NOT NULL DEFAULT '[]',
    lastError TEXT,
    errorsTotal BIGINT NOT NULL DEFAULT 0,
    -- Records this feed has stored (advisories imported, KEV or EPSS rows).
    records BIGINT NOT NULL DEFAULT 0
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
    bootstrapped BIGINT NOT NULL DEFAULT 0 CHECK (bootstrapped IN (0, 1)),
    zipEntriesDone BIGINT NOT NULL DEFAULT 0,
    zipTag TEXT,
    pendingModified TEXT,
    pendingId TEXT,
    lastAttempt TEXT,
    lastSuccess TEXT,
    added BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    lastError TEXT,
    PRIMARY KEY (feed, source)
);

CREATE TABLE kev (
    cve TEXT NOT NULL PRIMARY KEY,
    dateAdded TEXT NOT NULL,
    dueDate TEXT,
    ransomware BIGINT NOT NULL CHECK (ransomware IN (0, 1)),
    feed TEXT NOT NULL
);
CREATE INDEX kev_on_feed ON kev (feed);

CREATE TABLE epss (
    cve TEXT NOT NULL PRIMARY KEY,
    score DOUBLE PRECISION NOT NULL CHECK (score BETWEEN 0 AND 1),
    percentile DOUBLE PRECISION NOT NULL CHECK (percentile BETWEEN 0 AND 1),
    scoreDate TEXT NOT NULL,
    feed TEXT NOT NULL
);
CREATE INDEX epss_on_feed ON epss (feed);
CREATE INDEX epss_on_score ON epss (score);

-- The policy's days to patch a finding whose vulnerability is in KEV (kev_sla_days); NULL while the defaults were
-- never changed or kept Core's (14).
ALTER TABLE rebuildPolicy ADD COLUMN slaKevDays BIGINT CHECK (slaKevDays IS NULL OR slaKevDays BETWEEN 0 AND 36500);

-- The feeds a new database lists, all disabled: nothing leaves the machine until an admin enables one.
INSERT INTO feed (name, kind, url, ecosystems, intervalMinutes, enabled, createdAt, updatedAt) VALUES
    ('osv', 'osv', 'https://osv-vulnerabilities.storage.googleapis.com', NULL, 60, 0,
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    ('kev', 'kev', 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json', NULL, 360, 0,
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    ('epss', 'epss', 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz', NULL, 1440, 0,
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
