"""Hypothesis settings for the fuzz tests (tests/unit/test_fuzz_*.py).

The default profile is deterministic (the same examples on every run, on every machine), keeps no
example database (nothing is written into the repository) and is sized so the fuzz tests take
seconds on two cores. `HYPOTHESIS_PROFILE=explore` searches far more, with fresh random examples
each run: for a developer hunting bugs, not for CI.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,  # spaCy on a message of thousands of characters takes a while; no per-example deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    parent=settings.get_profile("ci"),
    max_examples=5000,
    derandomize=False,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
