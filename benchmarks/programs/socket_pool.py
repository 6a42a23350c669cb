"""A ThreadPoolExecutor of 16 doing socket I/O on loopback (a request, a reply, 1,500 times each
against one echo server thread per worker); prints its own wall time."""

import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROUNDS = 1500


def echo(server: socket.socket) -> None:
    conn, _ = server.accept()
    with conn:
        while data := conn.recv(4096):
            conn.sendall(data)


def client(_: int) -> int:
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=echo, args=(server,), daemon=True).start()
    with socket.create_connection(server.getsockname()) as s:
        for _ in range(ROUNDS):
            s.sendall(b"x" * 512)
            got = 0
            while got < 512:
                got += len(s.recv(4096))
    server.close()
    return ROUNDS


t0 = time.perf_counter()
with ThreadPoolExecutor(max_workers=16) as pool:
    total = sum(pool.map(client, range(16)))
print(f"elapsed {time.perf_counter() - t0:.6f}", file=sys.stderr)
