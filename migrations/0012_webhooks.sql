-- 0012: notifications (issue 14). A webhook is an admin's subscription (URL, event types, body format, filter) with
-- the health of its deliveries; its signing secret lives in a table of its own, read only by the delivery worker
-- and never answered. An event is written by the transaction that caused it (the transactional outbox), with one
-- delivery row per subscription it matched then; an event no subscription wanted is not stored. Notices remember
-- which once-per-finding events (SLA) were sent and which rebuild reasons each planned image was last announced
-- with.

CREATE TABLE webhook (
    id INTEGER PRIMARY KEY,
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

CREATE TABLE webhookSecret (
    webhookId INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    PRIMARY KEY (webhookId)
) WITHOUT ROWID;

CREATE TABLE event (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    type TEXT NOT NULL,
    occurredAt TEXT NOT NULL,
    -- The standard JSON body.
    body TEXT NOT NULL
);
CREATE INDEX event_on_occurredAt ON event(occurredAt);

CREATE TABLE webhookDelivery (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX webhookDelivery_on_status_nextAttemptAt ON webhookDelivery(status, nextAttemptAt);
CREATE INDEX webhookDelivery_on_eventId ON webhookDelivery(eventId);

-- The finding events of a write that spans several transactions (an advisory zip imported 1,000 records at a time,
-- a feed sync), held per finding until its end coalesces them into one event per (type, image); a stage its writer
-- never ended (the process died) is coalesced by a job after ten minutes.
CREATE TABLE eventStage (
    stage TEXT NOT NULL,
    type TEXT NOT NULL,
    imageId INTEGER NOT NULL,
    findingId INTEGER NOT NULL,
    createdAt TEXT NOT NULL
);
CREATE INDEX eventStage_on_stage ON eventStage(stage);

-- A once-per-finding event sent: kind 'due_soon' or 'breached'.
CREATE TABLE findingNotice (
    findingId INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'breached')),
    at TEXT NOT NULL,
    PRIMARY KEY (findingId, kind)
) WITHOUT ROWID;

-- The rebuild reasons each image of the plan was last announced with (a JSON array of reason codes).
CREATE TABLE planNotice (
    digest TEXT NOT NULL PRIMARY KEY,
    reasons TEXT NOT NULL
) WITHOUT ROWID;
