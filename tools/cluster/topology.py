"""The cluster on one machine: PostgreSQL, Redis, two action servers, two Rasa servers and nginx
in front, each Rasa server configured exactly as Rasa documents a distributed setup (a shared
SQL tracker store, the Redis lock store) plus the Redis Socket.IO manager of the widget channel.

`running()` starts everything in order and stops it in reverse; the Rasa and action servers are
restarted by tools/servers.py's Supervisor when they exit, the shared services are not (an
outage of them is something the assistant must live through, see tests/cluster/).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from runtime.shared_secrets import shared_secret
from tools import servers
from tools.cluster.services import HOST, Nginx, Postgres, Redis
from tools.ports import free_port

INSTANCES = 2
LOCK_STORE_TYPE = "runtime.lock_store.AtomicRedisLockStore"
LOCK_STORE_REDIS_DB = "1"
SOCKETIO_REDIS_DB = 2
# Per Rasa server: Rasa's SQL pool (default 50 + 100 overflow) sized for a shared PostgreSQL.
SQL_POOL_SIZE, SQL_MAX_OVERFLOW = "10", "20"
# Rasa's lock of a conversation (default 60 s): a Rasa server killed while it held one blocks
# that conversation on the others until it expires; a message waiting in line must be served
# before it does. A message takes well under a second, a few under heavy load.
TICKET_LOCK_LIFETIME = "30"
# One process, one core: the NumPy (OpenBLAS) and TensorFlow thread pools of a Rasa server are
# held to one thread, so that N servers on N cores do not fight over them. On 2 cores, two
# instances then answer 1.76-2.11x the messages of one (was 1.56x, a lone server's threads
# already taking both cores; make bench-cluster, README).
ONE_CORE_PER_PROCESS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


@dataclass
class Cluster:
    folder: Path
    postgres: Postgres
    redis: Redis
    nginx: Nginx
    rasa: list[servers.Supervised] = field(default_factory=list)
    actions: list[servers.Supervised] = field(default_factory=list)
    inbox: servers.Supervised | None = None  # the staff inbox, on the cluster's PostgreSQL
    token: str = ""

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://{HOST}:{server.env['RASA_PORT']}" for server in self.rasa]

    @property
    def inbox_url(self) -> str:
        return f"http://{HOST}:{self.inbox.env['INBOX_PORT']}" if self.inbox else ""

    def processes(self) -> dict[str, int]:
        every = [
            self.postgres.process,
            self.redis.process,
            self.nginx.process,
            *self.actions,
            *self.rasa,
            self.inbox,
        ]
        return {p.name: p.pid for p in every if p is not None and p.exited() is None}


def plan(folder: Path, http_port: int, instances: int = INSTANCES) -> Cluster:
    logs = folder / "log"
    rasa_ports = [free_port() for _ in range(instances)]
    action_ports = [free_port() for _ in range(instances)]
    return Cluster(
        folder,
        Postgres(folder / "postgres", free_port(), logs),
        Redis(folder / "redis", free_port(), logs),
        Nginx(folder / "nginx", http_port, free_port(), rasa_ports, action_ports, logs),
    )


def cluster_settings(cluster: Cluster) -> dict[str, str]:
    """The settings that make the servers one cluster: the same in deploy/ (tests/unit/test_deploy.py)."""
    return {
        "TRACKER_STORE_URL": cluster.postgres.url("tracker"),
        "HANDOFF_DB_URL": cluster.postgres.url("handoff"),
        "LOCK_STORE_TYPE": LOCK_STORE_TYPE,
        "REDIS_HOST": cluster.redis.host,
        "REDIS_PORT": str(cluster.redis.port),
        "LOCK_STORE_REDIS_DB": LOCK_STORE_REDIS_DB,
        "SOCKETIO_REDIS_URL": cluster.redis.url(SOCKETIO_REDIS_DB),
        "TICKET_LOCK_LIFETIME": TICKET_LOCK_LIFETIME,
        "SQL_POOL_SIZE": SQL_POOL_SIZE,
        "SQL_MAX_OVERFLOW": SQL_MAX_OVERFLOW,
        "RASA_URL": cluster.nginx.url,
        **ONE_CORE_PER_PROCESS,
    }


def shared_environment(cluster: Cluster, **overrides: str) -> dict[str, str]:
    """What every Rasa and action server of the cluster shares; files and logs under its folder."""
    env = servers.server_environment(
        **cluster_settings(cluster),
        HANDOFF_SPOOL_DIR=str(cluster.folder / "spool"),
        LOG_DIR=str(cluster.folder / "log"),
        **overrides,
    )
    env["ACTION_SERVER_TOKEN"] = shared_secret("ACTION_SERVER_TOKEN")[0]
    return env


def action_servers(cluster: Cluster, env: dict[str, str]) -> list[servers.Supervised]:
    return [
        servers.Supervised(
            f"action server {number}",
            servers.action_server_command(),
            {**env, "ACTION_SERVER_HOST": HOST, "ACTION_SERVER_PORT": str(port)},
            cluster.folder / "log" / f"actions-{number}.log",
        )
        for number, port in enumerate(cluster.nginx.action_ports, start=1)
    ]


def rasa_servers(cluster: Cluster, env: dict[str, str]) -> list[servers.Supervised]:
    """Every Rasa server calls the action servers through nginx (ACTION_SERVER_URL)."""
    made = []
    for number, port in enumerate(cluster.nginx.rasa_ports, start=1):
        instance = {**env, "RASA_HOST": HOST, "RASA_PORT": str(port)}
        instance["ACTION_SERVER_URL"] = cluster.nginx.actions_url
        log = cluster.folder / "log" / f"rasa-{number}.log"
        made.append(
            servers.Supervised(f"Rasa server {number}", servers.rasa_server_command(instance), instance, log)
        )
    return made


def staff_inbox(cluster: Cluster, env: dict[str, str]) -> servers.Supervised:
    """The staff inbox on the cluster's handoff database, relaying through nginx (RASA_URL)."""
    inbox = {**env, "INBOX_HOST": HOST, "INBOX_PORT": str(free_port())}
    return servers.Supervised(
        "staff inbox", servers.staff_inbox_command(), inbox, cluster.folder / "log" / "inbox.log"
    )


@contextlib.contextmanager
def running(folder: Path, http_port: int, timeout: float = 240, **overrides: str) -> Iterator[Cluster]:
    """The whole cluster up and answering through nginx; everything stopped on exit."""
    cluster = plan(folder, http_port)
    for service in (cluster.postgres, cluster.redis, cluster.nginx):
        service.prepare()
    env = shared_environment(cluster, **overrides)
    cluster.token = servers.auth_token()[0]
    cluster.actions = action_servers(cluster, env)
    cluster.rasa = rasa_servers(cluster, env)
    cluster.inbox = staff_inbox(cluster, env)
    supervisor = servers.Supervisor(
        [*cluster.actions, *cluster.rasa, cluster.inbox],
        folder / "log" / "supervisor.log",
        float(env["SUPERVISOR_RESTART_DELAY_SECONDS"]),
    )
    try:
        cluster.postgres.start()
        cluster.redis.start()
        cluster.nginx.start()
        for server in cluster.actions:
            server.start()
        for server in cluster.actions:
            servers.wait_until_up(f"http://{HOST}:{server.env['ACTION_SERVER_PORT']}/health", server, timeout)
        # One after the other: two Rasa servers loading a model at once on 2 cores take as
        # long together, and the first creates the tracker store's tables alone.
        for server, url in zip(cluster.rasa, cluster.rasa_urls, strict=True):
            server.start()
            servers.wait_until_up(f"{url}/", server, timeout)
        cluster.inbox.start()
        servers.wait_until_up(f"{cluster.inbox_url}/login", cluster.inbox, timeout)
        supervisor.start()
        yield cluster
    finally:
        supervisor.stop_restarting()
        for server in [cluster.inbox, *cluster.rasa, *cluster.actions]:
            server.stop()
        supervisor.release()
        for service in (cluster.nginx, cluster.redis, cluster.postgres):
            service.stop()
