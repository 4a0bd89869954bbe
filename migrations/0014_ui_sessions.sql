-- 0014: dashboard sign-in (issue 15). A session is opened by signing in with an API token at /ui/login; the browser
-- holds an opaque secret in a cookie, of which only the SHA-256 is stored here. A session ends at its expiry, at
-- /ui/logout, or when its token is revoked (the revocation deletes its sessions; a deleted token takes them along).
CREATE TABLE uiSession (
    id INTEGER PRIMARY KEY,
    secretHash BLOB NOT NULL UNIQUE CHECK (length(secretHash) = 32),
    tokenId INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
    createdAt TEXT NOT NULL,
    expiresAt TEXT NOT NULL
);
CREATE INDEX uiSession_on_tokenId ON uiSession(tokenId);
CREATE INDEX uiSession_on_expiresAt ON uiSession(expiresAt);
