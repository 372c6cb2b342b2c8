"""python -m tools.eval: see tools/eval/evaluate.py."""

import sys

from tools.eval.evaluate import main

sys.exit(main())
