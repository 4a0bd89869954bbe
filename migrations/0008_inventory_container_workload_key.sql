-- 0008: an inventory container's snapshot is its workload's. One composite foreign key, (workloadId, snapshotId) ->
-- inventoryWorkload(id, snapshotId), replaces the two single ones (workloadId -> inventoryWorkload, snapshotId ->
-- inventorySnapshot): deleting a snapshot still removes its containers (through its workloads' cascade), a container
-- can no longer name another snapshot than its workload's, and each inserted row has one key to check instead of two
-- (PostgreSQL checks every foreign key row by row: a 5,000-pod inventory post inserts thousands of containers).
-- SQLite cannot change a table's foreign keys in place: the table is rebuilt (GRDB runs migrations with foreign key
-- enforcement deferred and checks the whole database before committing).

CREATE UNIQUE INDEX inventoryWorkload_on_id_snapshotId ON inventoryWorkload(id, snapshotId);

CREATE TABLE inventoryContainer_new (
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
INSERT INTO inventoryContainer_new (id, workloadId, snapshotId, container, isInit, imageId, reference, replicas)
    SELECT id, workloadId, snapshotId, container, isInit, imageId, reference, replicas FROM inventoryContainer;
DROP TABLE inventoryContainer;
ALTER TABLE inventoryContainer_new RENAME TO inventoryContainer;
CREATE INDEX inventoryContainer_on_snapshotId ON inventoryContainer(snapshotId, imageId);
CREATE INDEX inventoryContainer_on_workloadId ON inventoryContainer(workloadId);
CREATE INDEX inventoryContainer_on_imageId ON inventoryContainer(imageId);
