#!/usr/bin/env python3
"""Lays out an OSV export (the public bucket's shape) from a zip of records, or changes records of one.

  export.py build ZIP DIR ECOSYSTEM    DIR/ECOSYSTEM/all.zip (the zip itself), modified_id.csv (newest first) and
                                       one <ID>.json per record
  export.py change DIR ECOSYSTEM N     gives N records a newer `modified` (their <ID>.json rewritten, their lines
                                       put at the top of modified_id.csv), as a publisher's update would
"""
import json, os, shutil, sys, zipfile

def index_lines(directory):
    with open(os.path.join(directory, "modified_id.csv")) as f:
        return [line.rstrip("\n") for line in f if line.strip()]

command = sys.argv[1]
if command == "build":
    source, root, ecosystem = sys.argv[2:5]
    directory = os.path.join(root, ecosystem)
    os.makedirs(directory, exist_ok=True)
    shutil.copyfile(source, os.path.join(directory, "all.zip"))
    entries = []
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            record = json.loads(data)
            entries.append((record["modified"], record["id"]))
            with open(os.path.join(directory, f"{record['id']}.json"), "wb") as f:
                f.write(data)
    entries.sort(reverse=True)
    with open(os.path.join(directory, "modified_id.csv"), "w") as f:
        f.writelines(f"{modified},{identifier}\n" for modified, identifier in entries)
    print(f"{len(entries)} records in {directory}")
elif command == "change":
    root, ecosystem, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    directory = os.path.join(root, ecosystem)
    lines = index_lines(directory)
    changed = []
    # The oldest records of the index get a time newer than any, one second apart.
    for n, line in enumerate(lines[-count:]):
        identifier = line.split(",", 1)[1]
        path = os.path.join(directory, f"{identifier}.json")
        record = json.load(open(path))
        record["modified"] = f"2026-12-01T00:{n // 60:02d}:{n % 60:02d}Z"
        record["summary"] = record.get("summary", "") + " (updated)"
        json.dump(record, open(path, "w"))
        changed.append(f"{record['modified']},{identifier}")
    with open(os.path.join(directory, "modified_id.csv"), "w") as f:
        f.writelines(line + "\n" for line in sorted(changed, reverse=True) + lines[:-count])
    print(f"{count} records changed")
