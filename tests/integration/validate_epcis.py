#!/usr/bin/env python3
"""Validates an EPCIS 2.0 JSON document against GS1's EPCIS 2.0 JSON schema
(tests/testdata/epcis/EPCIS-JSON-Schema.json) and checks every eventID is a CBV 2.0 event hash
ID. Exit 0 when valid; 1 with the first errors otherwise. Needs python3-jsonschema (Debian)."""
import json
import re
import sys
from pathlib import Path

import jsonschema

SCHEMA = Path(__file__).resolve().parent.parent / "testdata" / "epcis" / "EPCIS-JSON-Schema.json"
HASH_ID = re.compile(r"^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$")


def main(path):
    schema = json.loads(SCHEMA.read_text())
    doc = json.loads(Path(path).read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for error in errors[:5]:
        print(f"schema error at {'/'.join(map(str, error.path)) or '(root)'}: {error.message[:300]}")
    events = doc.get("epcisBody", {}).get("eventList", [])
    bad_ids = [e.get("eventID") for e in events if not HASH_ID.match(str(e.get("eventID", "")))]
    for bad in bad_ids[:5]:
        print(f"eventID is not a CBV 2.0 hash ID: {bad}")
    if not events:
        print("the document has no events")
    return 1 if errors or bad_ids or not events else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
