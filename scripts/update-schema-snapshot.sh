#!/usr/bin/env bash
# Rewrites Tests/PatchTrackStorageTests/Fixtures/schema.sql from a freshly migrated database, after adding a
# migration (the schema snapshot test compares the two). Usage: scripts/update-schema-snapshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product patchtrack >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/debug/patchtrack migrate --database "$work/schema.sqlite" >/dev/null
python3 - "$work/schema.sqlite" Tests/PatchTrackStorageTests/Fixtures/schema.sql <<'PY'
import sqlite3, sys
rows = [r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' "
    "ORDER BY type DESC, name")]
open(sys.argv[2], "w").write(";\n".join(rows) + ";\n")
PY
echo "updated Tests/PatchTrackStorageTests/Fixtures/schema.sql"
