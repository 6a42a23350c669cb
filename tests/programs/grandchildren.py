"""Starts a child that starts a grandchild; all three sleep for a long time (until stopped)."""

import subprocess
import sys
import time

depth = int(sys.argv[1]) if len(sys.argv) > 1 else 0
if depth < 2:
    subprocess.Popen([sys.executable, __file__, str(depth + 1)])
print(f"level {depth} up", flush=True)
time.sleep(120)
