-- 0004: rebuild planning and build tracking: the rebuild policy (defaults and per-repository overrides) with an audit
-- trail of its changes, rebuild requests, builds reported by CI, image supersession (old digest → new digest), and
-- what became of each finding of a superseded image once its successor was scanned.

-- The policy defaults: exactly one row (id 1), created here with the documented defaults.
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
);
INSERT INTO rebuildPolicy (id, minimumSeverity, requireFix, maximumAgeDays, trustedBasePatterns,
    slaCriticalDays, slaHighDays, slaMediumDays, slaLowDays, updatedAt)
VALUES (1, 'high', 1, 30, '[]', 2, 7, 30, 90, NULL);

-- Per-repository changes to the defaults. A NULL rule inherits the default; `maximumAge` says whether the maximum
-- age is inherited, removed ('none') or set ('days', in maximumAgeDays). The repository is named rather than
-- referenced so that a policy can be set before the repository's first image arrives.
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

-- Every change of the defaults or of a repository's override: who (token id and name), when, and the policy as JSON
-- before (NULL when there was none) and after.
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
CREATE INDEX policyChange_on_repository ON policyChange(repository, id);

-- Builds CI reports: a rebuild of repository:tag, started, then succeeded (with the new digest) or failed.
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
CREATE INDEX build_on_repositoryId_tag ON build(repositoryId, tag, id);
CREATE INDEX build_on_status ON build(status, id);
CREATE INDEX build_on_imageId ON build(imageId);
CREATE INDEX build_on_replacesImageId ON build(replacesImageId);

-- An image replaced by a rebuild: it no longer counts for the rebuild plan. One successor per image (the newest).
CREATE TABLE supersession (
    id INTEGER PRIMARY KEY,
    imageId INTEGER NOT NULL UNIQUE REFERENCES image(id) ON DELETE CASCADE,
    successorImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    buildId INTEGER REFERENCES build(id) ON DELETE SET NULL,
    supersededAt TEXT NOT NULL,
    CHECK (imageId <> successorImageId)
);
CREATE INDEX supersession_on_successorImageId ON supersession(successorImageId);

-- Requests, by a person or a system, to rebuild an image; closed when a build supersedes the image.
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
CREATE INDEX rebuildRequest_on_imageId ON rebuildRequest(imageId, closedAt);

-- What became of each open finding of a superseded image once its successor was scanned: the successor still has
-- it (the same advisory in the same package, or the same package version) or not.
CREATE TABLE findingFate (
    findingId INTEGER PRIMARY KEY REFERENCES finding(id) ON DELETE CASCADE,
    successorImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    fate TEXT NOT NULL CHECK (fate IN ('fixed_in_successor', 'still_present')),
    decidedAt TEXT NOT NULL
);
CREATE INDEX findingFate_on_successorImageId ON findingFate(successorImageId);
