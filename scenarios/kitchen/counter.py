"""A lunch rush at the counter, over real HTTP on 127.0.0.1: WSGI-style synchronous workers
(each serves one customer at a time) against one ASGI-style event loop (serves them all while
their orders cook).

Bounded on every side: a fixed number of requests, sockets with time limits, loopback only.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import time
from multiprocessing.connection import Connection

from scenarios import probe
from scenarios.kitchen.units import unit_of

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nserved"
LIMIT_S = 20.0
"""No socket waits longer than this: a broken rush ends instead of hanging."""


def _read_request(c: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            return
        data += chunk


def _sync_worker(ports: Connection, requests: int, slow: float) -> None:
    """A WSGI-style worker: accept, handle (blocking), answer, next."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        server.settimeout(LIMIT_S)
        ports.send(server.getsockname()[1])
        ports.close()
        for _ in range(requests):
            with probe.waiting("io", "waiting for a customer"):
                c, _ = server.accept()
            with c:
                c.settimeout(LIMIT_S)
                with probe.waiting("io", "reading the order"):
                    _read_request(c)
                probe.sleep(slow, "the order cooks (the worker is blocked)")
                c.sendall(RESPONSE)


def _async_worker(ports: Connection, requests: int, slow: float) -> None:
    """An ASGI-style worker: one loop, one task per customer, orders cook side by side."""

    async def serve() -> None:
        left = requests
        arrived = 0
        all_served = asyncio.Event()

        async def customer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal left, arrived
            arrived += 1
            probe.rename_task(f"Order {arrived}")
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(slow)  # the order cooks; the loop serves others meanwhile
            writer.write(RESPONSE)
            await writer.drain()
            writer.close()
            left -= 1
            if left == 0:
                all_served.set()

        server = await asyncio.start_server(customer, "127.0.0.1", 0, backlog=256)
        ports.send(server.sockets[0].getsockname()[1])
        ports.close()
        async with server:
            await asyncio.wait_for(all_served.wait(), LIMIT_S)

    probe.run_async(serve(), name="Counter (event loop)")


async def _rush(ports: list[int], requests: int) -> int:
    async def order(i: int) -> bool:
        port = ports[i % len(ports)]
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), LIMIT_S)
        writer.write(f"GET /lunch/{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), LIMIT_S)
        writer.close()
        return answer.endswith(b"served")

    results = await asyncio.gather(
        *(asyncio.create_task(order(i), name=f"Customer {i + 1}") for i in range(requests))
    )
    return sum(results)


def _open(
    kind: str, workers: int, requests: int, slow: float
) -> tuple[list[probe.Process], list[int]]:
    ctx = multiprocessing.get_context("spawn")
    procs, pipes = [], []
    share = [requests // workers + (1 if k < requests % workers else 0) for k in range(workers)]
    for k in range(workers):
        receive, send = ctx.Pipe(duplex=False)
        target = _sync_worker if kind == "sync" else _async_worker
        name = f"{'Sync' if kind == 'sync' else 'Async'} worker {k + 1}"
        p = probe.Process(target, name, (send, share[k], slow))
        p.start()
        send.close()
        procs.append(p)
        pipes.append(receive)
    ports = []
    for r in pipes:
        with probe.waiting("io", "waiting for the counter to open"):
            if not r.poll(LIMIT_S):
                raise TimeoutError("a worker did not open its counter")
            ports.append(r.recv())
        r.close()
    return procs, ports


def run_rush_at_the_counter(params: dict[str, float]) -> None:
    probe.rename("Customers")
    slow = 0.2 * unit_of(params)
    requests = int(params.get("requests", 16))
    workers = int(params.get("sync_workers", 2))
    for kind, count in (("sync", workers), ("async", 1)):
        if kind == "sync":
            probe.cue(
                f"{requests} customers at once, {count} WSGI-style workers: each serves one "
                "customer at a time",
                f"客{requests}人が一度に来る、WSGI風のワーカー{count}つ：一度に一人ずつ",
            )
        else:
            probe.cue(
                f"The same {requests} customers, one ASGI-style event loop: it takes every order "
                "while the others cook",
                f"同じ客{requests}人、ASGI風のイベントループ一つ：料理中も次の注文を受ける",
            )
        procs, ports = _open(kind, count, requests, slow)
        t0 = time.monotonic()
        served = probe.run_async(_rush(ports, requests), name=f"Lunch rush ({kind})")
        probe.value(f"{kind}_s", time.monotonic() - t0)
        probe.value(f"{kind}_served", served)
        for p in procs:
            p.join()
    probe.value("slow_s", slow)
