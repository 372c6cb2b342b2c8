"""The shared services of `make cluster`, from Debian's packages: a private PostgreSQL, Redis
and nginx, each with its own configuration, port and data under the cluster's folder, run in
the foreground as children of the cluster (never the system services)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import redis

from tools.servers import Supervised

HOST = "127.0.0.1"
POSTGRES_USER = "spine"
DATABASES = ("tracker", "handoff")
# Two Rasa servers with Rasa's pool (SQL_POOL_SIZE + SQL_MAX_OVERFLOW each) and two action servers.
POSTGRES_MAX_CONNECTIONS = 200
READY_TIMEOUT_S = 60.0
# Debian installs these; `scripts/install_cluster_services.sh` installs them when missing.
PACKAGES = {"postgres": "postgresql", "redis-server": "redis-server", "nginx": "nginx"}


class MissingPackage(RuntimeError):
    """A Debian package the cluster needs is not installed."""


def postgres_bin(name: str) -> Path:
    """A PostgreSQL program of Debian's newest installed version (/usr/lib/postgresql/N/bin)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise MissingPackage("PostgreSQL is not installed: scripts/install_cluster_services.sh")
    return versions[-1] / name


def program(name: str) -> str:
    found = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        raise MissingPackage(f"{name} is not installed: scripts/install_cluster_services.sh")
    return found


def wait_until(check: Callable[[], bool], server: Supervised, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.exited() is not None:
            tail = server.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.name} exited early; end of {server.log_path}:\n{tail}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{server.name} did not come up within {timeout:.0f} s (log: {server.log_path})")


def service_user() -> str | None:
    """initdb and postgres refuse to run as root: then they run as Debian's `postgres` account."""
    return "postgres" if os.geteuid() == 0 else None


def reachable(directory: Path) -> None:
    """The service account must pass through the folders above its data."""
    for folder in [directory, *directory.parents]:
        if folder == Path("/"):
            return
        if folder.stat().st_mode & 0o001 == 0:
            folder.chmod(folder.stat().st_mode | 0o111)


@dataclass
class Postgres:
    """A private PostgreSQL: trust authentication on 127.0.0.1 only, user `spine`."""

    folder: Path
    port: int
    log_dir: Path
    process: Supervised | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{POSTGRES_USER}@{HOST}:{self.port}/{database}"

    def prepare(self) -> None:
        user = service_user()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "run").mkdir(exist_ok=True)
        if user:
            reachable(self.folder)
            shutil.chown(self.folder, user, user)
            shutil.chown(self.folder / "run", user, user)
        if not (self.data / "PG_VERSION").exists():
            command = [str(postgres_bin("initdb")), "-D", str(self.data), "-U", POSTGRES_USER]
            command += ["--auth=trust", "--encoding=UTF8", "--no-instructions"]
            subprocess.run(command, check=True, user=user, group=user, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        command = [
            str(postgres_bin("postgres")), "-D", str(self.data), "-p", str(self.port),
            "-k", str(self.folder / "run"), "-c", f"listen_addresses={HOST}",
            "-c", f"max_connections={POSTGRES_MAX_CONNECTIONS}",
        ]  # fmt: skip
        user = service_user()
        self.process = Supervised(
            "PostgreSQL", command, dict(os.environ), self.log_dir / "postgres.log", user, signal.SIGINT
        )
        self.process.start()
        wait_until(self.answers, self.process)
        self.create_databases()

    def answers(self) -> bool:
        with contextlib.closing(psycopg2.connect(self.url("postgres"), connect_timeout=2)):
            return True

    def create_databases(self, names: tuple[str, ...] = DATABASES) -> None:
        """Creates those that do not exist yet."""
        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True
        with contextlib.closing(connection), connection.cursor() as cursor:
            for database in names:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{database}"')

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@dataclass
class Redis:
    """A private Redis without persistence: locks and Socket.IO messages live seconds."""

    folder: Path
    port: int
    log_dir: Path
    process: Supervised | None = None

    @property
    def host(self) -> str:
        return HOST

    def url(self, database: int) -> str:
        return f"redis://{HOST}:{self.port}/{database}"

    def prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        settings = [
            f"bind {HOST}", f"port {self.port}", f"dir {self.folder}", "daemonize no",
            'save ""', "appendonly no", "protected-mode yes", 'logfile ""',
        ]  # fmt: skip
        (self.folder / "redis.conf").write_text("\n".join(settings) + "\n")

    def start(self) -> None:
        command = [program("redis-server"), str(self.folder / "redis.conf")]
        self.process = Supervised("Redis", command, dict(os.environ), self.log_dir / "redis.log")
        self.process.start()
        wait_until(lambda: redis.Redis(host=HOST, port=self.port, socket_timeout=2).ping(), self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


NGINX_CONFIG = """worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {log_dir}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  # Action calls carry the whole conversation: buffered in memory, never in temporary files.
  client_max_body_size 8m;
  client_body_buffer_size 8m;
  proxy_buffer_size 64k;
  proxy_buffers 32 64k;
  proxy_max_temp_file_size 0;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  # REST and the HTTP API: round-robin; a server that refuses the connection is skipped.
  upstream rasa {{
{rasa_servers}
    keepalive 64;
  }}
  # Socket.IO: sticky by client address (its long-polling handshake must stay on one server);
  # messages cross servers through Redis (SOCKETIO_REDIS_URL).
  upstream rasa_socketio {{
    ip_hash;
{rasa_servers}
  }}
  upstream actions {{
{action_servers}
    keepalive 32;
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen {host}:{port};
    location /socket.io/ {{
      proxy_pass http://rasa_socketio;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 3600s;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
    }}
  }}
  # The Rasa servers call the action servers through here: one that is down is skipped.
  server {{
    listen {host}:{actions_port};
    location / {{
      proxy_pass http://actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout;
    }}
  }}
}}
"""


def upstream_lines(ports: list[int]) -> str:
    return "\n".join(f"    server {HOST}:{port} max_fails=1 fail_timeout=2s;" for port in ports)


@dataclass
class Nginx:
    folder: Path
    port: int
    actions_port: int
    rasa_ports: list[int]
    action_ports: list[int]
    log_dir: Path
    process: Supervised | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def actions_url(self) -> str:
        return f"http://{HOST}:{self.actions_port}/webhook"

    @property
    def config(self) -> Path:
        return self.folder / "nginx.conf"

    def prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            reachable(self.folder)  # nginx's workers run as nobody
        self.config.write_text(
            NGINX_CONFIG.format(
                folder=self.folder,
                log_dir=self.log_dir,
                host=HOST,
                port=self.port,
                actions_port=self.actions_port,
                rasa_servers=upstream_lines(self.rasa_ports),
                action_servers=upstream_lines(self.action_ports),
            )
        )

    def start(self) -> None:
        command = [program("nginx"), "-c", str(self.config), "-p", str(self.folder), "-e", "stderr"]
        self.process = Supervised("nginx", command, dict(os.environ), self.log_dir / "nginx.log")
        self.process.start()
        wait_until(lambda: port_open(self.port) and port_open(self.actions_port), self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0
