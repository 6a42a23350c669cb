"""Two cooks, two utensils, taken in opposite orders: a deadlock (the podcast's kitchen).

One cook holds the cutting board and waits for the sink; the other holds the sink and waits
for the cutting board. Neither ever lets go.
"""

import threading
import time

board = threading.Lock()
sink = threading.Lock()


def cut_carrots() -> None:
    with board:
        time.sleep(0.2)  # cutting
        with sink:
            print("carrots washed")


def scrub_sink() -> None:
    with sink:
        time.sleep(0.2)  # scrubbing
        with board:
            print("board cleared")


def main() -> None:
    cooks = [
        threading.Thread(target=cut_carrots, name="carrot cook"),
        threading.Thread(target=scrub_sink, name="sink cook"),
    ]
    for cook in cooks:
        cook.start()
    for cook in cooks:
        cook.join()


if __name__ == "__main__":
    main()
