"""Orders A, B and C as three threads (the blog post's threading example)."""

import threading
import time


def task(name, delay):
    print(f"Task {name} starting")
    time.sleep(delay)  # I/O-bound: a wait
    print(f"Task {name} completed after {delay} seconds")


def main():
    threads = [
        threading.Thread(target=task, args=("A", 2)),
        threading.Thread(target=task, args=("B", 3)),
        threading.Thread(target=task, args=("C", 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


main()
