"""A producer and a consumer share a queue.Queue; a third cook drops a plate (raises)."""

import queue
import threading
import time

orders: queue.Queue[str] = queue.Queue()


def waiter() -> None:
    for dish in ("soup", "salad", "curry"):
        time.sleep(0.3)
        orders.put(dish)
    orders.put("closing")


def chef() -> None:
    while (dish := orders.get()) != "closing":
        print(f"cooking {dish}")


def clumsy() -> None:
    time.sleep(0.2)
    raise RuntimeError("dropped a plate")


def main() -> None:
    cooks = [
        threading.Thread(target=waiter, name="waiter"),
        threading.Thread(target=chef, name="chef"),
        threading.Thread(target=clumsy, name="clumsy cook"),
    ]
    for cook in cooks:
        cook.start()
    for cook in cooks:
        cook.join()


if __name__ == "__main__":
    main()
