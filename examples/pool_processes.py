"""The same chopping in a process pool: a kitchen per worker, no knife to share."""

from concurrent.futures import ProcessPoolExecutor


def chop(n: int) -> int:
    x = 1
    for i in range(n):
        x = (x * 31 + i) % 1_000_003
    return x


def main() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        print(sum(pool.map(chop, [3_000_000] * 4)))


if __name__ == "__main__":
    main()
