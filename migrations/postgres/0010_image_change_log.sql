-- 0010: which images each write transaction changed, so that a process holding the rebuild plan's input of an older
-- generation reloads only those images instead of everything. A row per changed image, or one row with imageId NULL
-- when the transaction may have changed any image's planning data (VEX statements, regrouped advisories). Written in
-- the transaction that bumps 'writes', with the generation it bumped to; rows more than 10,000 generations old are
-- pruned by the writers (a cache that old reloads everything).
CREATE TABLE imageChange (
    generation BIGINT NOT NULL CHECK (generation > 0),
    imageId BIGINT
);
CREATE INDEX imageChange_on_generation ON imageChange (generation);
