"""``python -m benchmarks``: the code lives in ``speed`` so spawned readers can import it."""

import sys

from benchmarks.speed import main

if __name__ == "__main__":
    sys.exit(main())
