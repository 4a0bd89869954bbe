-- 0015: the ids of watches, webhooks and webhook deliveries are never given twice. A plain INTEGER PRIMARY KEY lets
-- SQLite hand the id of the newest row, once deleted, to the next row inserted: `DELETE /v1/watches/2` followed by a
-- new watch gave that watch id 2 again, so a client's stale id (a script deleting twice, a link kept in a ticket)
-- silently named someone else's watch, webhook or delivery. AUTOINCREMENT keeps the highest id ever given in
-- sqlite_sequence. PostgreSQL's identity columns never reuse an id (its 0015 changes nothing). SQLite cannot add
-- AUTOINCREMENT to a table in place: each table is rebuilt (GRDB runs migrations with foreign keys disabled and
-- checks them all before committing, so dropping the old `webhook` cascades nothing and the references of
-- webhookSecret and webhookDelivery, which name the table, point at the rebuilt one).

CREATE TABLE watch_new (
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
INSERT INTO watch_new (id, repository, tags, tagPattern, intervalMinutes, createdAt, tokenName, nextRun, lastPoll,
        lastChange, lastError, tagsSeen, pollsTotal, errorsTotal)
    SELECT id, repository, tags, tagPattern, intervalMinutes, createdAt, tokenName, nextRun, lastPoll,
        lastChange, lastError, tagsSeen, pollsTotal, errorsTotal FROM watch;
DROP TABLE watch;
ALTER TABLE watch_new RENAME TO watch;
CREATE INDEX watch_on_nextRun ON watch (nextRun);

CREATE TABLE webhook_new (
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
INSERT INTO webhook_new (id, url, events, format, filter, enabled, health, healthReason, consecutiveFailures,
        lastAttemptAt, lastSuccessAt, lastResponseCode, lastError, createdAt, updatedAt, tokenName)
    SELECT id, url, events, format, filter, enabled, health, healthReason, consecutiveFailures,
        lastAttemptAt, lastSuccessAt, lastResponseCode, lastError, createdAt, updatedAt, tokenName FROM webhook;
DROP TABLE webhook;
ALTER TABLE webhook_new RENAME TO webhook;

CREATE TABLE webhookDelivery_new (
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
INSERT INTO webhookDelivery_new (id, webhookId, eventId, status, attempts, nextAttemptAt, lastAttemptAt,
        lastResponseCode, lastError, createdAt, deliveredAt)
    SELECT id, webhookId, eventId, status, attempts, nextAttemptAt, lastAttemptAt,
        lastResponseCode, lastError, createdAt, deliveredAt FROM webhookDelivery;
DROP TABLE webhookDelivery;
ALTER TABLE webhookDelivery_new RENAME TO webhookDelivery;
CREATE INDEX webhookDelivery_on_status_nextAttemptAt ON webhookDelivery(status, nextAttemptAt);
CREATE INDEX webhookDelivery_on_eventId ON webhookDelivery(eventId);
