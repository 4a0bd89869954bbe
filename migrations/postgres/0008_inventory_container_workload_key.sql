-- PostgreSQL form of the SQLite migration migrations/0008_inventory_container_workload_key.sql (same keys, indexes).
-- 0008: an inventory container's snapshot is its workload's: one composite foreign key (workloadId, snapshotId) ->
-- inventoryWorkload(id, snapshotId) instead of two single ones, so each inserted container fires one key check fewer
-- (PostgreSQL runs one per foreign key and row: about a third of a 5,000-pod inventory insert went to these checks).
-- The constraints dropped carry the names PostgreSQL gave them in 0005 (<table>_<column>_fkey, lower case).

CREATE UNIQUE INDEX inventoryWorkload_on_id_snapshotId ON inventoryWorkload(id, snapshotId);

ALTER TABLE inventoryContainer
    DROP CONSTRAINT inventorycontainer_workloadid_fkey,
    DROP CONSTRAINT inventorycontainer_snapshotid_fkey,
    ADD FOREIGN KEY (workloadId, snapshotId) REFERENCES inventoryWorkload(id, snapshotId) ON DELETE CASCADE;
