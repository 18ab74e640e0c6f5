#!/usr/bin/env python3
"""Writes a fuzz target's seed corpus from Protocol/vectors: one file per vector's byte string."""
import json
import pathlib
import sys

FIELDS = {
    "fuzz-entry-decoder": [("entries.json", "entry"), ("negative.json", "entry")],
    "fuzz-datagram-opener": [("datagrams.json", "datagram")],
}
# Targets whose seeds are the payloads of reconciliation.json's messages.
PAYLOADS = {"fuzz-frame-decoder": ["reconciliation.json"]}

target, vectors, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
for file_name, field in FIELDS.get(target, []):
    path = vectors / file_name
    if not path.exists():
        continue
    for vector in json.loads(path.read_text())["vectors"]:
        (out / f"{path.stem}-{vector['name']}").write_bytes(bytes.fromhex(vector[field]))
for file_name in PAYLOADS.get(target, []):
    path = vectors / file_name
    if not path.exists():
        continue
    for i, message in enumerate(json.loads(path.read_text())["messages"]):
        for j, payload in enumerate(message):
            (out / f"{path.stem}-{i}-{j}").write_bytes(bytes.fromhex(payload))
