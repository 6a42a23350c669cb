"""Every lesson of the source texts as a property of a real run, robust on a loaded 2-core box:
ratios, overlaps, orderings and counts, never exact times."""

from __future__ import annotations

from scenarios.wire import Kind, Reason, State
from tests.conftest import busy_elsewhere, in_state, overlap, parallel
from tui.trace.store import TraceStore


def _values(store: TraceStore) -> dict[str, float]:
    return {name: v for _, _, name, v in store.values}


def _running(store: TraceStore, name: str) -> list[tuple[int, int]]:
    return in_state(store, name, State.RUNNING)


def _states(store: TraceStore, name: str) -> list[State]:
    """The actor's states in order, runs of one state folded into one."""
    a = store.by_name(name)
    out: list[State] = []
    for s in a.state:
        if not out or out[-1] != s:
            out.append(State(s))
    return out


def _stuck_since(a) -> int:  # type: ignore[no-untyped-def]
    """When the actor entered the state it ended in."""
    k = len(a) - 1
    while k > 0 and a.state[k - 1] == a.state[-1]:
        k -= 1
    return int(a.t[k])


def _in_order(seq: list[State], wanted: list[State]) -> bool:
    it = iter(seq)
    return all(any(s == w for s in it) for w in wanted)


def test_two_tasks_overlap_and_await_order_does_not_matter(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("sequential-vs-tasks", scale=0.4)  # unit 0.2 s
    assert done.result.ok, done.result.message
    v = _values(done.store)
    unit = 0.2
    assert v["sequential_s"] >= 1.8 * unit  # run_until_complete twice: one after the other
    assert v["tasks_s"] <= 0.75 * v["sequential_s"]  # two tasks: together
    assert abs(v["tasks_s"] - v["reversed_s"]) <= 0.3 * unit


def test_a_blocking_call_in_a_coroutine_makes_every_other_one_late(kitchen) -> None:  # type: ignore[no-untyped-def]
    slow = kitchen("slow-print", scale=0.5)
    fixed = kitchen("slow-print-fixed", scale=0.5)
    assert slow.result.ok and fixed.result.ok
    vs, vf = _values(slow.store), _values(fixed.store)
    assert vs["max_late_s"] >= 0.6 * vs["slow_call_s"]
    assert vf["max_late_s"] <= 0.3 * vf["slow_call_s"]
    # the lanes say it too: the ovens sat ready through the blocking call
    s = slow.store.summary()
    oven = next(a for a in s.actors if a.actor.name == "Oven 1")
    assert oven.ready >= 0.5 * vs["slow_call_s"] * 1e9
    f = fixed.store.summary()
    oven = next(a for a in f.actors if a.actor.name == "Oven 1")
    assert oven.ready <= 0.3 * vf["slow_call_s"] * 1e9


def test_cpu_work_in_coroutines_is_serial_and_blocks_the_loop(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("cpu-in-asyncio", scale=0.5)
    assert done.result.ok, done.result.message
    v = _values(done.store)
    dishes = [_running(done.store, f"Dish {i}") for i in (1, 2, 3)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert overlap(dishes[i], dishes[j]) == 0
    assert v["max_late_s"] >= 1.5 * v["dish_s"]


def test_a_process_pool_keeps_the_loop_responsive(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("offload-to-processes", scale=0.5)
    assert done.result.ok, done.result.message
    v = _values(done.store)
    assert v["max_late_s"] <= 0.5 * v["dish_s"]
    kitchens = [
        a for a in done.store.actors if a.name.startswith("Pool kitchen") and a.kind == Kind.PROCESS
    ]
    assert len(kitchens) == 2
    if busy_elsewhere() is None:
        assert done.store.summary().max_running >= 2  # two kitchens chopping at once


def test_thread_pools_overlap_waits_and_process_pools_share_cpu(kitchen, two_idle_cores) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("pools", scale=0.5)
    assert done.result.ok, done.result.message
    v = _values(done.store)
    assert v["all_served"] == 1
    assert v["io_wall_s"] <= 0.6 * v["io_serial_s"]
    # against the CPU the kitchens really spent chopping (measured in this run), not the
    # nominal work: each kitchen calibrates its own chunks as it starts, and on this shared host
    # the same four dishes cost 0.38 to 0.82 s of CPU from one run to the next
    s = done.store.summary()
    chopped = sum(
        r.running for r in s.actors if r.actor.kind == Kind.THREAD and "kitchen" in r.actor.name
    )
    assert chopped >= 0.2 * v["cpu_serial_s"] * 1e9, "the kitchens hardly chopped"
    wall = v["cpu_wall_s"]
    parallel(wall <= 0.8 * chopped / 1e9, f"the pool chopped {chopped / 1e9:.2f} s in {wall:.2f} s")


def test_opposite_lock_orders_deadlock_and_cookline_calls_it(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("carrots-and-sink", scale=0.5, timeout=30)
    assert done.result.outcome == "deadlock", done.result.message
    assert "Carrot cook" in done.result.message and "Sink cook" in done.result.message
    for name in ("Carrot cook", "Sink cook"):
        a = done.store.by_name(name)
        assert a.state[-1] == State.WAITING and a.reason[-1] == Reason.LOCK  # shown in the lanes
        assert a.t[-1] - _stuck_since(a) >= 0.4e9  # drawn waiting until the tree was stopped
    assert done.store.end["outcome"] == "deadlock"
    board, sink = "the cutting board", "the sink"
    assert {(held, wanted) for _, held, wanted in done.run.deadlock} == {
        (board, sink),
        (sink, board),
    }


def test_deadlock_is_called_within_two_seconds(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("carrots-and-sink", scale=0.5, timeout=30)
    assert done.result.outcome == "deadlock"
    # the cycle closes when the second cook starts waiting; the verdict comes when the tree
    # is stopped and gone, both on the run's own clock
    closed = max(_stuck_since(done.store.by_name(n)) for n in ("Carrot cook", "Sink cook"))
    assert done.run.ended_ns - (done.run.t0 + closed) <= 2e9


def test_one_lock_order_never_deadlocks(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("carrots-and-sink-fixed", scale=0.5)
    assert done.result.ok, done.result.message
    for name in ("Carrot cook", "Sink cook"):
        assert done.store.by_name(name).state[-1] == State.DONE
    held = {name for _, _, name, on in done.store.locks if on}
    assert held == {"the cutting board", "the sink"}


def test_read_modify_write_without_a_lock_loses_portions(kitchen) -> None:  # type: ignore[no-untyped-def]
    race = kitchen("frying-pan", scale=1.0)
    locked = kitchen("frying-pan-locked", scale=1.0)
    assert race.result.ok and locked.result.ok
    assert _values(race.store)["lost_updates"] > 0
    assert _values(locked.store)["lost_updates"] == 0
    assert _values(locked.store)["counted"] == _values(locked.store)["expected"]


def test_buffet_kitchens_run_in_parallel_cooks_in_a_kitchen_take_turns(
    kitchen, two_idle_cores
) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("buffet", scale=0.5)
    assert done.result.ok, done.result.message
    store = done.store
    east = [_running(store, f"Kitchen East · {d}") for d in ("Tempura", "Sushi")]
    west = [_running(store, f"Kitchen West · {d}") for d in ("Pasta", "Salad")]
    run_east = sum(e - s for lane in east for s, e in lane)
    across = overlap(east[0] + east[1], west[0] + west[1])
    within = overlap(*east) + overlap(*west)
    parallel(across >= 0.3 * run_east / 2, "two kitchens chop at the same time")
    assert within <= 0.15 * across  # one knife per kitchen


def test_plates_pass_through_a_pipe_and_the_server_waits_for_them(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("pass-the-plate", scale=0.5, plates=6)
    assert done.result.ok, done.result.message
    v = _values(done.store)
    assert v["plates_served"] == 6 and v["in_order"] == 1
    server = next(
        a for a in done.store.summary().actors if a.actor.name == "Dining room (server) · main"
    )
    assert server.waiting > server.running  # the dining room mostly waits at the hatch


def test_each_actor_lives_new_ready_running_waiting_done(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("life-of-a-process", scale=0.5)
    assert done.result.ok, done.result.message
    store = done.store
    N, R, U, W, D = State.NEW, State.READY, State.RUNNING, State.WAITING, State.DONE
    assert _in_order(_states(store, "A process"), [N, R, U, D])
    assert _in_order(_states(store, "A process · main"), [U, W, U, D])
    assert _in_order(_states(store, "A thread"), [N, R, U, W, U, D])
    assert _in_order(_states(store, "A task"), [R, U, W, U, D])
    said = " ".join(en for _, _, en, _ in store.cues)
    for word in ("new", "ready", "running", "waiting", "done"):
        assert word in said


def test_one_event_loop_serves_the_rush_faster_than_sync_workers(kitchen) -> None:  # type: ignore[no-untyped-def]
    done = kitchen("rush-at-the-counter", scale=0.5, requests=12)
    assert done.result.ok, done.result.message
    v = _values(done.store)
    assert v["sync_served"] == 12 and v["async_served"] == 12
    assert v["async_s"] <= 0.5 * v["sync_s"]
    assert (
        len(
            [
                a
                for a in done.store.actors
                if a.name.startswith("Async worker") and a.kind == Kind.PROCESS
            ]
        )
        == 1
    )
