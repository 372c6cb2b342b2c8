"""The Rasa server's entry point: `rasa` with the project's settings loaded, library noise
switched off and the patches of runtime/rasa_patches.py installed. Images, `make run` and
the tests all start Rasa through it.

Usage: python -m runtime.rasa_cli <rasa arguments>

With `--credentials FILE`, channels whose settings are empty are left out first (one log
line each, see runtime/channels/settings.py), so the server starts with the rest.

The API token (`run --enable-api`, `shell --enable-api`) and the action server's token come
from the environment or var/ (runtime/shared_secrets.py) and are added here, inside the
process: on the command line `ps` would show them. Logs are redacted (runtime/log_privacy.py)
and files it creates are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

from runtime import log_privacy, settings
from runtime.settings import ROOT
from runtime.shared_secrets import shared_secret


def silence_library_warnings() -> None:
    """Rasa's dependencies add their own warning filters after start-up ("once" for
    DeprecationWarning among them), so filters alone cannot keep the terminal clean:
    with PYTHONWARNINGS=ignore (the default) warnings are not shown at all."""
    if os.environ.get("PYTHONWARNINGS") == "ignore":
        warnings.simplefilter("ignore")
        warnings.showwarning = lambda *args, **kwargs: None


def log_channel_decisions() -> None:
    """Rasa sets up logging later; these lines are written before it starts."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
    channel_logger = logging.getLogger("runtime.channels.settings")
    channel_logger.addHandler(handler)
    channel_logger.setLevel(logging.INFO)
    channel_logger.propagate = False


@contextlib.contextmanager
def startable_credentials(argv: list[str]) -> Iterator[list[str]]:
    """argv with --credentials pointing at a copy without the channels that cannot start."""
    if "--credentials" not in argv:
        yield argv
        return
    from runtime.channels.settings import write_startable_credentials

    log_channel_decisions()
    position = argv.index("--credentials") + 1
    (ROOT / "var").mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="credentials-", suffix=".yml", dir=ROOT / "var")
    os.close(handle)
    try:
        write_startable_credentials(Path(argv[position]), Path(name))
        yield [*argv[:position], name, *argv[position + 1 :]]
    finally:
        Path(name).unlink(missing_ok=True)


def with_api_token(argv: list[str]) -> list[str]:
    """`make run` and `make shell` (whose HTTP API takes the staff's messages) get the token."""
    given = any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv)
    if argv[:1] not in (["run"], ["shell"]) or "--enable-api" not in argv or given:
        return argv
    # One argument with "=": a generated token may start with "-", which argparse would take
    # for an option after a separate "--auth-token".
    return [*argv, f"--auth-token={shared_secret('RASA_AUTH_TOKEN')[0]}"]


def main() -> None:
    settings.load()
    os.umask(0o077)
    if sys.argv[1:2] in (["run"], ["shell"]):  # the commands that see patients' messages
        log_privacy.install()
    os.environ["ACTION_SERVER_TOKEN"] = shared_secret("ACTION_SERVER_TOKEN")[0]  # for endpoints.yml
    silence_library_warnings()
    from rasa.__main__ import main as rasa_main

    from runtime import rasa_patches

    rasa_patches.install_action_result_validation()
    rasa_patches.install_action_server_fallback()
    rasa_patches.install_tracker_store_without_fallback()
    rasa_patches.install_eager_weight_building()
    if sys.argv[1:2] == ["shell"]:
        rasa_patches.install_shell_console()
    with startable_credentials(with_api_token(sys.argv[1:])) as arguments:
        sys.argv = ["rasa", *arguments]
        rasa_main()


if __name__ == "__main__":
    main()
