"""`make test-cluster`: the cluster of `make cluster` (tools/cluster/), started once per session
in a temporary folder: PostgreSQL, Redis, nginx, two action servers and two Rasa servers, with
handoff notifications going to a local signed-webhook receiver."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.channel_fakes import NOTIFICATION_SECRET
from support.http import Receiver, free_port

from tools.bench.conversations import load_responses
from tools.cluster.topology import Cluster, running


@pytest.fixture(scope="session")
def notification_receiver() -> Iterator[Receiver]:
    running_receiver = Receiver()
    yield running_receiver
    running_receiver.close()


@pytest.fixture(scope="session")
def cluster_folder() -> Iterator[Path]:
    """Not under pytest's temporary folder: every pytest session on the machine sets that to
    mode 0700, and PostgreSQL, which runs as its own account, would lose its data directory."""
    folder = Path(tempfile.mkdtemp(prefix="spine-cluster-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster(cluster_folder: Path, notification_receiver: Receiver) -> Iterator[Cluster]:
    with running(
        cluster_folder,
        free_port(),
        HANDOFF_WEBHOOK_URL=f"{notification_receiver.url}/hook",
        HANDOFF_WEBHOOK_SECRET=NOTIFICATION_SECRET,
        HANDOFF_OUTBOX_INTERVAL_SECONDS="0.2",
        # Every test client is 127.0.0.1.
        HANDOFF_MAX_TICKETS_PER_SOURCE_PER_HOUR="1000000",
        HANDOFF_MAX_TICKETS_PER_CONVERSATION_PER_HOUR="1000000",
    ) as started:
        yield started


@pytest.fixture(scope="session")
def responses() -> dict[str, list[str]]:
    return load_responses()
