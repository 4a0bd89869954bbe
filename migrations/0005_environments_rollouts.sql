-- 0005: environments and what they run (inventory snapshots, kept as history), each image's running intervals per
-- environment, rollouts with their events, and when an advisory first offered a fix (for time-to-patch).

-- A place that runs images: a cluster or a stage of one. `position` orders environments (canary before production).
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

-- One posted inventory: everything the environment ran at `takenAt` (what is missing had stopped).
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
CREATE INDEX inventorySnapshot_on_environmentId ON inventorySnapshot(environmentId, id);

-- A workload (`namespace/name`) in a snapshot, with its pod count.
CREATE TABLE inventoryWorkload (
    id INTEGER PRIMARY KEY,
    snapshotId INTEGER NOT NULL REFERENCES inventorySnapshot(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 3 AND 512),
    kind TEXT NOT NULL,
    replicas INTEGER NOT NULL CHECK (replicas >= 0),
    UNIQUE (snapshotId, name)
);

-- The digests a snapshot's workload runs, per container (init containers included), with how many pods run each.
CREATE TABLE inventoryContainer (
    id INTEGER PRIMARY KEY,
    workloadId INTEGER NOT NULL REFERENCES inventoryWorkload(id) ON DELETE CASCADE,
    snapshotId INTEGER NOT NULL REFERENCES inventorySnapshot(id) ON DELETE CASCADE,
    container TEXT NOT NULL,
    isInit INTEGER NOT NULL CHECK (isInit IN (0, 1)),
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    reference TEXT NOT NULL,
    replicas INTEGER NOT NULL CHECK (replicas > 0)
);
CREATE INDEX inventoryContainer_on_snapshotId ON inventoryContainer(snapshotId, imageId);
CREATE INDEX inventoryContainer_on_workloadId ON inventoryContainer(workloadId);
CREATE INDEX inventoryContainer_on_imageId ON inventoryContainer(imageId);

-- When each image ran in each environment, kept up to date by every snapshot: first and last snapshot that showed
-- it, the first snapshot after that which did not (NULL while it runs), and its replicas in the newest snapshot.
CREATE TABLE imageRunning (
    environmentId INTEGER NOT NULL REFERENCES environment(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    firstRunningAt TEXT NOT NULL,
    lastRunningAt TEXT NOT NULL,
    stoppedAt TEXT,
    replicas INTEGER NOT NULL CHECK (replicas >= 0),
    PRIMARY KEY (environmentId, imageId)
) WITHOUT ROWID;
CREATE INDEX imageRunning_on_imageId ON imageRunning(imageId);

-- Moving a workload of an environment from old digests to `toImageId`, in steps (weights in percent).
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
CREATE INDEX rollout_on_state ON rollout(state, id);
CREATE INDEX rollout_on_toImageId ON rollout(toImageId);
CREATE INDEX rollout_on_environmentId_workload ON rollout(environmentId, workload);

-- The digests a rollout replaces.
CREATE TABLE rolloutSource (
    rolloutId INTEGER NOT NULL REFERENCES rollout(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    PRIMARY KEY (rolloutId, imageId)
) WITHOUT ROWID;
CREATE INDEX rolloutSource_on_imageId ON rolloutSource(imageId);

-- Every state change of a rollout, reported by its controller or derived from an inventory snapshot.
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
CREATE INDEX rolloutEvent_on_rolloutId ON rolloutEvent(rolloutId, id);

-- When PatchTrack first saw a version of the advisory that names a fixed version (the "fix available" stage).
ALTER TABLE advisory ADD COLUMN fixFirstSeen TEXT;
UPDATE advisory SET fixFirstSeen = importedAt
WHERE EXISTS (SELECT 1 FROM json_tree(advisory.record) WHERE json_tree.key = 'fixed');

-- Fleet reads: open findings counted by severity and fixability with their detection times (SLA), and the open
-- findings of the digests environments run, both from the index alone.
CREATE INDEX finding_on_state_sla ON finding(state, severityLevel, (fixedVersion IS NOT NULL), firstDetected);
CREATE INDEX finding_on_imageId_state ON finding(imageId, state, severityLevel);
