"""Training time: a forced `rasa train` into a temporary directory with its own cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from runtime.settings import ROOT

# --- Training time --------------------------------------------------------------------------------

CONFIG = ROOT / "config.yml"


def forced_training(work: Path, config: Path = CONFIG, timeout_s: float = 1800) -> dict[str, Any]:
    """Times a forced training of `config` into `work` (with its own cache, so nothing is restored
    from an earlier training); the model is left in `work`."""
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(work / "cache")}
    model = work / "models" / "bench.tar.gz"
    command = [
        sys.executable,
        "-m",
        "runtime.rasa_cli",
        "train",
        "--force",
        "--config",
        str(config),
        "--out",
        str(model.parent),
        "--fixed-model-name",
        model.name.removesuffix(".tar.gz"),
    ]
    start = time.monotonic()
    try:
        completed = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"did not finish within {timeout_s:.0f}s", "model": None}
    seconds = time.monotonic() - start
    if completed.returncode != 0:
        tail = completed.stderr.decode(errors="replace")[-500:]
        return {"seconds": None, "error": f"exit {completed.returncode}: {tail}", "model": None}
    return {"seconds": round(seconds, 1), "error": None, "model": model}
