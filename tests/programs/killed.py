"""Starts a child that is killed from outside (by this program), then is killed itself."""

import os
import signal
import subprocess
import sys
import time

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
time.sleep(0.3)
child.kill()
child.wait()
time.sleep(0.2)
os.kill(os.getpid(), signal.SIGKILL)
