-- PostgreSQL form of the SQLite migration migrations/0015_ids_never_reused.sql. That migration makes SQLite stop
-- reusing the ids of deleted watches, webhooks and webhook deliveries; PostgreSQL's identity columns never reuse an
-- id, so nothing changes here (the file keeps both engines' migration identifiers equal).
SELECT 1;
