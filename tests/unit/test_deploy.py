"""deploy/ (images, docker-compose, Kubernetes) cannot run here: `make cluster` is their tested
twin. These tests hold them to the code: entry points, ports, health checks, the settings that
make a cluster, and an action image that has every module it imports and no Rasa."""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml

from runtime.action_server import OPEN_PATHS
from runtime.settings import ROOT, read_env_file
from tools import servers
from tools.cluster.topology import ONE_CORE_PER_PROCESS, cluster_settings, plan

DEPLOY = ROOT / "deploy"
RASA_PORT, ACTION_PORT = "5005", "5055"
# Read by Rasa itself (tracker store pool, lock lifetime), not by the project's settings.
RASA_OWN_SETTINGS = {"SQL_POOL_SIZE", "SQL_MAX_OVERFLOW", "TICKET_LOCK_LIFETIME"}
THREAD_SETTINGS = set(ONE_CORE_PER_PROCESS)  # OpenBLAS's and TensorFlow's own
DOCUMENTED = set(read_env_file(ROOT / ".env.example")) | RASA_OWN_SETTINGS | THREAD_SETTINGS


def instructions(dockerfile: str) -> dict[str, list[str]]:
    """Each instruction's arguments, joined over continued lines."""
    text = (DEPLOY / dockerfile).read_text().replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.setdefault(word, []).append(rest.strip())
    return found


def env_of(dockerfile: str) -> dict[str, str]:
    pairs = " ".join(instructions(dockerfile)["ENV"]).split()
    return dict(pair.split("=", 1) for pair in pairs)


def test_rasa_image_starts_the_server_as_make_run_does():
    [entry] = instructions("rasa.Dockerfile")["ENTRYPOINT"]
    env = {"RASA_MODEL": "models/spine-assistant.tar.gz", "RASA_HOST": "0.0.0.0", "RASA_PORT": RASA_PORT}
    assert json.loads(entry) == ["python", *servers.rasa_server_command(env)[1:]]
    assert env_of("rasa.Dockerfile")["RASA_PORT"] == RASA_PORT
    assert instructions("rasa.Dockerfile")["EXPOSE"] == [RASA_PORT]
    [check] = instructions("rasa.Dockerfile")["HEALTHCHECK"]
    assert f"http://127.0.0.1:{RASA_PORT}/'" in check


def test_action_image_starts_the_action_server_and_checks_its_open_health_path():
    [entry] = instructions("actions.Dockerfile")["ENTRYPOINT"]
    assert json.loads(entry) == ["python", *servers.action_server_command()[1:]]
    assert env_of("actions.Dockerfile")["ACTION_SERVER_PORT"] == ACTION_PORT
    assert instructions("actions.Dockerfile")["EXPOSE"] == [ACTION_PORT]
    [check] = instructions("actions.Dockerfile")["HEALTHCHECK"]
    path = re.search(rf"127\.0\.0\.1:{ACTION_PORT}(/[\w/]*)", check).group(1)
    assert path in OPEN_PATHS


def module_file(name: str) -> Path | None:
    for candidate in (ROOT / f"{name.replace('.', '/')}.py", ROOT / name.replace(".", "/") / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def action_server_imports() -> tuple[set[Path], set[str]]:
    """The project files the action server loads, and the third-party modules they import."""
    files: set[Path] = set()
    third_party: set[str] = set()
    pending = ["runtime.action_server", *(f"actions.{p.stem}" for p in (ROOT / "actions").glob("*.py"))]
    while pending:
        path = module_file(pending.pop())
        if path is None or path in files:
            continue
        files.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for name in names:
                top = name.split(".")[0]
                if top in ("runtime", "actions"):
                    pending.append(name)
                elif top not in sys.stdlib_module_names and top != "__future__":
                    third_party.add(top)
    return files, third_party


def copied_paths(dockerfile: str) -> list[str]:
    return [source for line in instructions(dockerfile)["COPY"] for source in line.split()[:-1]]


def is_copied(path: Path, copied: list[str]) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return any(relative == c or (c.endswith("/") and relative.startswith(c)) for c in copied)


def test_action_image_holds_every_module_the_action_server_imports_and_nothing_of_rasa():
    files, third_party = action_server_imports()
    copied = copied_paths("actions.Dockerfile")
    assert [f.relative_to(ROOT).as_posix() for f in sorted(files) if not is_copied(f, copied)] == []
    assert not any(c.startswith(("tools", "models", "build")) for c in copied)

    listed = {
        line.strip().lower()
        for line in (DEPLOY / "requirements-actions.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert "rasa" not in listed
    providers = packages_distributions()
    # rasa_sdk's wheel lists no top-level modules: its distribution name is the module's.
    missing = [
        m for m in third_party if not {d.lower() for d in providers.get(m, [m.replace("_", "-")])} & listed
    ]
    assert missing == []


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def the_cluster_settings(tmp_path: Path) -> set[str]:
    return set(cluster_settings(plan(tmp_path, 0)))


def test_compose_shares_the_settings_make_cluster_sets(compose, tmp_path):
    shared = compose["x-shared-environment"]
    assert the_cluster_settings(tmp_path) <= set(shared)
    for service in ("rasa", "actions"):
        environment = compose["services"][service]["environment"]
        assert set(environment) <= DOCUMENTED
    assert compose["services"]["rasa"]["environment"]["RASA_PORT"] == RASA_PORT
    assert compose["services"]["actions"]["environment"]["ACTION_SERVER_PORT"] == ACTION_PORT
    assert compose["services"]["rasa"]["deploy"]["replicas"] >= 2
    assert compose["services"]["actions"]["deploy"]["replicas"] >= 2


def test_compose_nginx_routes_to_the_services_and_ports(compose):
    config = (DEPLOY / "nginx.conf").read_text()
    assert f"server rasa:{RASA_PORT}" in config and f"server actions:{ACTION_PORT}" in config
    socketio = re.search(r"upstream rasa_socketio \{(.*?)\}", config, re.S).group(1)
    assert "ip_hash" in socketio  # sticky Socket.IO
    action_url = compose["services"]["rasa"]["environment"]["ACTION_SERVER_URL"]
    port = re.fullmatch(r"http://nginx:(\d+)/webhook", action_url).group(1)
    assert f"listen {port};" in config
    published = compose["services"]["nginx"]["ports"][0].split(":")[1]
    assert f"listen {published};" in config


def kubernetes() -> dict[tuple[str, str], dict]:
    documents = yaml.safe_load_all((DEPLOY / "kubernetes" / "spine-assistant.yaml").read_text())
    return {(d["kind"], d["metadata"]["name"]): d for d in documents}


def container(deployment: dict) -> dict:
    [only] = deployment["spec"]["template"]["spec"]["containers"]
    return only


def test_kubernetes_probes_ports_and_settings_agree_with_the_code(tmp_path):
    objects = kubernetes()
    rasa, actions = (
        container(objects["Deployment", "spine-rasa"]),
        container(objects["Deployment", "spine-actions"]),
    )
    assert rasa["ports"][0]["containerPort"] == int(RASA_PORT)
    assert rasa["readinessProbe"]["httpGet"] == {"path": "/", "port": int(RASA_PORT)}
    assert actions["ports"][0]["containerPort"] == int(ACTION_PORT)
    assert actions["readinessProbe"]["httpGet"]["path"] in OPEN_PATHS
    assert {e["name"]: e["value"] for e in rasa["env"]}["RASA_PORT"] == RASA_PORT
    assert {e["name"]: e["value"] for e in actions["env"]}["ACTION_SERVER_PORT"] == ACTION_PORT

    config = objects["ConfigMap", "spine-assistant"]["data"]
    assert set(config) <= DOCUMENTED
    text = (DEPLOY / "kubernetes" / "spine-assistant.yaml").read_text()
    secrets = set(re.findall(r"--from-literal=([A-Z_]+)=", text))
    assert the_cluster_settings(tmp_path) - {"REDIS_PORT", "REDIS_HOST"} <= set(config) | secrets
    assert config["ACTION_SERVER_URL"].endswith(f":{ACTION_PORT}/webhook")
    socketio = objects["Ingress", "spine-rasa-socketio"]
    assert socketio["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
