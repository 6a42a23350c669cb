"""Four threads take turns at one lock, holding it while they sleep: waits, never a deadlock."""

import threading
import time

pan = threading.Lock()


def fry() -> None:
    for _ in range(3):
        with pan:
            time.sleep(0.05)


threads = [threading.Thread(target=fry, name=f"cook {i}") for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
