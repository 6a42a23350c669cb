"""Two threads each hold a multiprocessing lock (not a threading one) and want the other's:
stuck for good, with no cycle the hooks can see."""

import multiprocessing
import threading
import time

left, right = multiprocessing.Lock(), multiprocessing.Lock()


def one(first, second) -> None:
    with first:
        time.sleep(0.2)
        with second:
            pass


a = threading.Thread(target=one, args=(left, right), name="left hand")
b = threading.Thread(target=one, args=(right, left), name="right hand")
a.start()
b.start()
a.join()
b.join()
