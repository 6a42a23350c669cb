"""Four cooks, one knife: pure-Python CPU work in four threads shares one GIL."""

import threading


def chop(n: int) -> int:
    x = 1
    for i in range(n):
        x = (x * 31 + i) % 1_000_003
    return x


def main() -> None:
    cooks = [threading.Thread(target=chop, args=(3_000_000,), name=f"cook {c}") for c in "ABCD"]
    for cook in cooks:
        cook.start()
    for cook in cooks:
        cook.join()


if __name__ == "__main__":
    main()
