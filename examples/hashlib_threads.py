"""Two cooks with machines: hashlib on large buffers releases the GIL, so both run at once."""

import hashlib
import threading

BUFFER = bytes(64 << 20)


def digest(rounds: int) -> None:
    for _ in range(rounds):
        hashlib.sha256(BUFFER).hexdigest()


def main() -> None:
    cooks = [threading.Thread(target=digest, args=(24,), name=f"cook {c}") for c in "AB"]
    for cook in cooks:
        cook.start()
    for cook in cooks:
        cook.join()


if __name__ == "__main__":
    main()
