-- PostgreSQL form of the SQLite migration migrations/0006_generations_and_leases.sql (same tables, columns, keys).
-- 0006: write generations, leases for background jobs, and the policy defaults living in Core only.

CREATE TABLE generation (
    name TEXT NOT NULL PRIMARY KEY CHECK (name IN ('writes', 'findingWrites')),
    value BIGINT NOT NULL CHECK (value >= 0)
);
INSERT INTO generation (name, value) VALUES ('writes', 0), ('findingWrites', 0);

CREATE TABLE lease (
    name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    acquiredAt TEXT NOT NULL,
    expiresAt TEXT NOT NULL
);

DELETE FROM rebuildPolicy WHERE updatedAt IS NULL;
