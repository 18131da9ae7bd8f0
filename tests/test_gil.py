"""Once the core has started, the collector leaves the start-up heap alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, json
from fastapi.testclient import TestClient
from callcenter.api import create_api
before = gc.get_freeze_count()
with TestClient(create_api()) as client:
    assert client.get("/api/health").status_code == 200
    print(json.dumps({
        "before": before,
        "frozen": gc.get_freeze_count(),
        "tracked": len(gc.get_objects()),
        "thresholds": gc.get_threshold(),
    }))
"""


def test_the_started_core_freezes_its_heap_so_full_collections_skip_it(
    env: dict[str, str],
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["before"] == 0
    # Modules, settings and caches are out of the collector's sight: a full collection during
    # calls walks only what was allocated since, a small share of the heap.
    assert seen["frozen"] > 100_000
    assert seen["tracked"] < seen["frozen"] / 5
    assert seen["thresholds"][0] >= 10_000
