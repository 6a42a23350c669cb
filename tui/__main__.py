"""``python -m tui``: the same as the ``cookline`` command."""

from tui.cli import entry

if __name__ == "__main__":
    entry()
