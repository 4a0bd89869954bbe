-- PostgreSQL form of the SQLite migration migrations/0007_component_search.sql (same index).
DROP INDEX component_on_purlBase;
CREATE INDEX component_on_purlBase_id ON component(purlBase, id, version);
