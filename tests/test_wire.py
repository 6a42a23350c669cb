"""The wire's packed batches: what a worker packs is what the collector reads, to the bit."""

from __future__ import annotations

import time

from scenarios.wire import STATE_WIDTH, count, pack, unpack


def test_a_packed_batch_reads_back_every_int64_exactly() -> None:
    # time stamps and actor ids span several of CPython's 30-bit digits; labels may be negative
    values = [
        time.monotonic_ns(), (4_194_303 << 24) | 16_777_215, 2, 0, 1, -1,
        2**63 - 1, 1, 0, 0, 0, -(2**63),
        0, 1 << 30, 1 << 31, 1 << 32, (1 << 60) + 7, -(1 << 40),
    ]  # fmt: skip
    states = pack(values)
    assert len(states) == 8 * len(values)
    back = unpack(states)
    assert list(back) == values
    assert count(back) == len(values) // STATE_WIDTH
