"""`make test-cluster`: the cluster of `make cluster` (tools/cluster/), started once per session
in a temporary folder: PostgreSQL, Redis, nginx, two action servers and two Rasa servers, with
handoff notifications going to a local signed-webhook receiver."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.channel_fakes import NOTIFICATION_SECRET
from support.http import Receiver, free_port

from runtime.settings import ROOT
from tools.bench.conversations import load_responses
from tools.cluster.topology import Cluster, running


@pytest.fixture(scope="session")
def notification_receiver() -> Iterator[Receiver]:
    running_receiver = Receiver()
    yield running_receiver
    running_receiver.close()


KEPT_LOGS = ROOT / "var" / "cluster" / "test-logs"


@pytest.fixture(scope="session")
def cluster_folder(request: pytest.FixtureRequest) -> Iterator[Path]:
    """Not under pytest's temporary folder: every pytest session on the machine sets that to
    mode 0700, and PostgreSQL, which runs as its own account, would lose its data directory.
    After a failure the servers' logs are kept (a flake is otherwise gone with its evidence)."""
    folder = Path(tempfile.mkdtemp(prefix="spine-cluster-test-"))
    yield folder
    if request.session.testsfailed and (folder / "log").is_dir():
        kept = KEPT_LOGS / time.strftime("%Y%m%d-%H%M%S")
        shutil.copytree(folder / "log", kept, dirs_exist_ok=True)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"The cluster's logs: {kept}")
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
