CREATE TABLE image (
    id INTEGER PRIMARY KEY,
    -- An image is its manifest digest; the repository is where it was first seen.
    digest TEXT NOT NULL UNIQUE CHECK (digest GLOB 'sha256:*' AND length(digest) = 71),
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    platform TEXT,
    created TEXT,
    labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
    sourceRepository TEXT,
    sourceRevision TEXT,
    baseReference TEXT,
    baseRepository TEXT,
    baseDigest TEXT CHECK (baseDigest IS NULL OR (baseDigest GLOB 'sha256:*' AND length(baseDigest) = 71)),
    firstSeen TEXT NOT NULL,
    lastSeen TEXT NOT NULL
);
CREATE TABLE repository (
    id INTEGER PRIMARY KEY,
    -- Normalised like docker does: 'nginx' is 'docker.io/library/nginx'.
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
    createdAt TEXT NOT NULL
);
CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    updatedAt TEXT NOT NULL,
    UNIQUE (repositoryId, name)
);
CREATE TABLE tagHistory (
    id INTEGER PRIMARY KEY,
    tagId INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
    previousImageId INTEGER REFERENCES image(id) ON DELETE SET NULL,
    movedAt TEXT NOT NULL
);
CREATE TABLE token (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role TEXT NOT NULL CHECK (role IN ('admin', 'ingest', 'read')),
    -- The token's public lookup key (the characters after 'pt_', before '_'); not a secret.
    lookupKey TEXT NOT NULL UNIQUE,
    -- SHA-256 of the whole token; the token itself is never stored.
    secretHash BLOB NOT NULL CHECK (length(secretHash) = 32),
    createdAt TEXT NOT NULL,
    createdBy INTEGER REFERENCES token(id) ON DELETE SET NULL,
    lastUsedAt TEXT,
    revokedAt TEXT
);
CREATE INDEX image_on_baseDigest ON image(baseDigest);
CREATE INDEX image_on_repositoryId ON image(repositoryId, id);
CREATE INDEX tagHistory_on_tagId ON tagHistory(tagId, id);
CREATE INDEX tag_on_imageId ON tag(imageId);
