"""Training time: a forced `rasa train` into a temporary directory with its own cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from runtime.settings import ROOT

# --- Training time --------------------------------------------------------------------------------


def measure_training(timeout_s: float = 1800) -> dict[str, Any]:
    """Times a forced training into a temporary directory (with its own cache), then deletes it."""
    work = Path(tempfile.mkdtemp(prefix="spine-bench-train-"))
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(work / "cache")}
    command = [
        sys.executable,
        "-m",
        "runtime.rasa_cli",
        "train",
        "--force",
        "--out",
        str(work / "models"),
        "--fixed-model-name",
        "bench",
    ]
    start = time.monotonic()
    try:
        completed = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout_s
        )
        seconds = time.monotonic() - start
        if completed.returncode != 0:
            tail = completed.stderr.decode(errors="replace")[-500:]
            return {"seconds": None, "error": f"exit {completed.returncode}: {tail}"}
        return {"seconds": round(seconds, 1), "error": None}
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"did not finish within {timeout_s:.0f}s"}
    finally:
        shutil.rmtree(work, ignore_errors=True)
