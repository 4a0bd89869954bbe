-- 0006: what several processes on one database need to agree on: write generations (caches are valid for a
-- generation, not for a process), leases (each background job runs on one process at a time), and the policy
-- defaults living in one place (Core): the row 0004 created with the built-in values is removed while it was never
-- changed, and is written only once an admin changes the defaults.

-- Bumped by every write transaction ('writes') and by those that can change findings or VEX suppression
-- ('findingWrites'), in the transaction itself: a reader that sees the data also sees its generation.
CREATE TABLE generation (
    name TEXT NOT NULL PRIMARY KEY CHECK (name IN ('writes', 'findingWrites')),
    value INTEGER NOT NULL CHECK (value >= 0)
);
INSERT INTO generation (name, value) VALUES ('writes', 0), ('findingWrites', 0);

-- A background job's lease: held by `holder` (a process's random id) until `expiresAt` (RFC 3339 UTC), renewed
-- while it works; another process takes it over once it expired.
CREATE TABLE lease (
    name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    acquiredAt TEXT NOT NULL,
    expiresAt TEXT NOT NULL
);

DELETE FROM rebuildPolicy WHERE updatedAt IS NULL;
