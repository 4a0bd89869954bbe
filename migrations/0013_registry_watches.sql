-- 0013: registry watching (issue 13). A registry is an admin's settings for one host (base URL, whether TLS may be
-- skipped) with the status of its last request; its credentials live in a table of their own, read only by the
-- poller and never answered. A watch is a repository's tags (explicit, or a pattern over the tag list) polled every
-- interval, with the status of its last poll and the digest each tag had then. An index's platform manifests are
-- remembered as its entries, so a platform manifest counts as tracked while its index is. An image's signature
-- check (cosign, key-based) is kept with the key that verified it; the policy gains the trusted keys and whether
-- bases must be signed.

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

CREATE TABLE watch (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX watch_on_nextRun ON watch (nextRun);

CREATE TABLE imageIndexEntry (
    indexImageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    PRIMARY KEY (indexImageId, imageId)
) WITHOUT ROWID;
CREATE INDEX imageIndexEntry_on_imageId ON imageIndexEntry (imageId);

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

-- A JSON array of {name, public_key_pem}: the keys image signatures are verified with.
ALTER TABLE rebuildPolicy ADD COLUMN trustedKeys TEXT NOT NULL DEFAULT '[]';
-- When the trusted keys last changed: signatures checked before are checked again by the registry job.
ALTER TABLE rebuildPolicy ADD COLUMN trustedKeysChangedAt TEXT;
ALTER TABLE rebuildPolicy ADD COLUMN requireSignedBase INTEGER NOT NULL DEFAULT 0 CHECK (requireSignedBase IN (0, 1));
