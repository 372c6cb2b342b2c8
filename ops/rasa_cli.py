"""`rasa` with the project's settings loaded and library noise switched off.

Usage: python -m ops.rasa_cli <rasa arguments>
"""

from __future__ import annotations

import os
import sys
import warnings

from ops import settings


def silence_library_warnings() -> None:
    """Rasa's dependencies add their own warning filters after start-up ("once" for
    DeprecationWarning among them), so filters alone cannot keep the terminal clean:
    with PYTHONWARNINGS=ignore (the default) warnings are not shown at all."""
    if os.environ.get("PYTHONWARNINGS") == "ignore":
        warnings.simplefilter("ignore")
        warnings.showwarning = lambda *args, **kwargs: None


def main() -> None:
    settings.load()
    silence_library_warnings()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
