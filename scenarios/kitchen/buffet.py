"""Several kitchens at once: the hotel buffet, and plates passed between kitchens (IPC)."""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

from scenarios import probe
from scenarios.kitchen.names import ja
from scenarios.kitchen.units import unit_of

# -- buffet -----------------------------------------------------------------------------------


def _station(dish: str, unit: float) -> None:
    """A buffet cook: chop (CPU, needs the kitchen's knife), then wait for the oven (I/O)."""
    for _ in range(2):
        probe.cpu_work(150 * unit, f"{dish}: chopping")
        probe.sleep(0.1 * unit, f"{dish}: in the oven")


def _kitchen(name: str, dishes: tuple[str, ...], unit: float) -> None:
    probe.cue(
        f"{name} opens: {len(dishes)} cooks, one knife",
        f"{ja(name)}が開店：コック{len(dishes)}人、包丁一本",
    )
    cooks = [probe.Thread(_station, f"{name} · {d}", (d, unit)) for d in dishes]
    for c in cooks:
        c.start()
    for c in cooks:
        c.join()


BUFFET = (
    ("Kitchen East", ("Tempura", "Sushi")),
    ("Kitchen West", ("Pasta", "Salad")),
)


def run_buffet(params: dict[str, float]) -> None:
    probe.rename("Maître d'")
    unit = unit_of(params)
    probe.cue(
        "A hotel buffet: several kitchens side by side, several cooks in each",
        "ホテルのビュッフェ：いくつものキッチンが並び、それぞれに何人ものコック",
    )
    kitchens = [probe.Process(_kitchen, name, (name, dishes, unit)) for name, dishes in BUFFET]
    for k in kitchens:
        k.start()
    for k in kitchens:
        k.join()


# -- pass-the-plate ---------------------------------------------------------------------------


def _plate_cook(out: Connection, plates: int, unit: float) -> None:
    for i in range(plates):
        probe.cpu_work(80 * unit, f"plate {i + 1}")
        with probe.waiting("queue", "handing over a plate"):
            out.send(i + 1)
    with probe.waiting("queue", "handing over"):
        out.send(None)
    out.close()


def _server(inbox: Connection, unit: float) -> None:
    got = []
    while True:
        with probe.waiting("queue", "waiting for a plate"):
            plate = inbox.recv()
        if plate is None:
            break
        got.append(plate)
        probe.cpu_work(20 * unit, f"serving plate {plate}")
    probe.value("plates_served", len(got))
    probe.value("in_order", float(got == sorted(got)))
    inbox.close()


def run_pass_the_plate(params: dict[str, float]) -> None:
    probe.rename("Manager")
    unit = unit_of(params)
    plates = int(params.get("plates", 6))
    probe.cue(
        "Kitchens share no memory: plates go through a pipe, and the server waits at it",
        "キッチン同士はメモリを共有しない：皿はパイプで渡され、給仕はその前で待つ",
    )
    receive, send = multiprocessing.get_context("spawn").Pipe(duplex=False)
    cook = probe.Process(_plate_cook, "Kitchen (cook)", (send, plates, unit))
    server = probe.Process(_server, "Dining room (server)", (receive, unit))
    server.start()
    cook.start()
    send.close()
    receive.close()
    cook.join()
    server.join()
