"""python -m tools.report: see tools/report/run.py."""

import sys

from tools.report.run import main

sys.exit(main())
