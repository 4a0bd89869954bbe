-- 0007: the cross-image component search (`GET /v1/components?purl=`) pages in id order from an index. With only
-- component_on_purlBase (purlBase, version), a package every image carries (10,000 rows on a 10,000-image fleet)
-- was read whole and sorted for each 100-row page. The new index is in id order within a purl base and carries the
-- version, so a page with a version filter is read from the index alone; it replaces the old one (no index more to
-- keep up on ingest).
DROP INDEX component_on_purlBase;
CREATE INDEX component_on_purlBase_id ON component(purlBase, id, version);
