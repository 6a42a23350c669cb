"""Exits with a given status, or raises in the main thread."""

import sys


def deep_down() -> None:
    raise ValueError("the sauce curdled")


if sys.argv[1:] == ["raise"]:
    deep_down()
print("argv", sys.argv[1:], "name", __name__)
sys.exit(int(sys.argv[1]) if sys.argv[1:] else 0)
