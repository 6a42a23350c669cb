"""Orders A, B and C as three processes: three kitchens (the blog post's multiprocessing code)."""

import multiprocessing
import time


def task(name, delay):
    print(f"Task {name} starting")
    time.sleep(delay)
    print(f"Task {name} completed after {delay} seconds")


def main():
    processes = [
        multiprocessing.Process(target=task, args=("A", 2)),
        multiprocessing.Process(target=task, args=("B", 3)),
        multiprocessing.Process(target=task, args=("C", 1)),
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


if __name__ == "__main__":
    main()
