"""`rasa` with the project's settings loaded and library noise switched off.

Usage: python -m ops.rasa_cli <rasa arguments>
"""

from __future__ import annotations

import sys
import warnings

from ops import settings


def main() -> None:
    settings.load()
    warnings.simplefilter("ignore")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
