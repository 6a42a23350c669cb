"""The kitchen's menu: every scenario's id, story and parameters, without importing its code.

Listing the menu must be cheap (``cookline list``, the tour, spawned children re-importing),
so a scenario is described here and its module is imported only by the worker that runs it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    """One kitchen story, measured."""

    id: str
    """The name users type: ``cookline run one-knife``."""
    title: str
    title_ja: str
    analogy: str
    """The kitchen picture, one sentence."""
    analogy_ja: str
    model: str
    """sync, asyncio, threads, processes or mixed."""
    bound: str
    """cpu, io or mixed."""
    lesson: str
    """What the lanes should teach, one sentence."""
    group: str
    """The tour chapter: asyncio, the GIL, processes, hazards…"""
    entry: str
    """``module:function`` the worker calls with the parameters."""
    params: dict[str, float] = field(default_factory=dict)
    """Defaults; every scenario also takes ``scale`` (durations × scale)."""
    lesson_ja: str = ""
    """The lesson as a Japanese teacher would say it (not word for word)."""


class UnknownScenario(KeyError):
    def __init__(self, wanted: str, close: list[str]) -> None:
        self.wanted = wanted
        self.close = close
        hint = f"; did you mean {', '.join(close)}?" if close else "; `cookline list` shows them"
        super().__init__(f"unknown scenario {wanted!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


def _abc(
    model: str,
    title: str,
    title_ja: str,
    analogy: str,
    analogy_ja: str,
    lesson: str,
    lesson_ja: str,
) -> Scenario:
    return Scenario(
        id=f"abc-{model}",
        title=title,
        title_ja=title_ja,
        analogy=analogy,
        analogy_ja=analogy_ja,
        model={"async": "asyncio", "sequential": "sync"}.get(model, model),
        bound="io",
        lesson=lesson,
        lesson_ja=lesson_ja,
        group="Orders A, B, C",
        entry=f"scenarios.kitchen.abc:run_{model}",
        params={"unit": 1.0},
    )


SCENARIOS: tuple[Scenario, ...] = (
    _abc(
        "sequential",
        "Orders A, B, C one after another",
        "注文A・B・Cを順番に",
        "One cook waits at the oven for order A, then B, then C.",
        "一人のコックがAを待ち、次にB、次にCをオーブンの前で待つ。",
        "Waiting one after another takes the sum: 2 + 3 + 1 = 6 units.",
        "順番に待てば、待ち時間は足し算になる：2 + 3 + 1 = 6単位。",
    ),
    _abc(
        "async",
        "Orders A, B, C with asyncio",
        "asyncioで注文A・B・C",
        "One cook starts all three ovens and serves whichever is done.",
        "一人のコックが三つのオーブンを同時に回し、できた順に出す。",
        "Overlapped waits take as long as the longest: about 3 units.",
        "待ちを重ねれば、かかるのは一番長い待ちの分だけ：約3単位。",
    ),
    _abc(
        "threads",
        "Orders A, B, C with three cooks",
        "三人のコックで注文A・B・C",
        "Three cooks each wait at their own oven.",
        "三人のコックがそれぞれ自分のオーブンの前で待つ。",
        "Waiting does not need the knife: threads overlap I/O, about 3 units.",
        "待つのに包丁はいらない：スレッドでI/O待ちが重なり、約3単位。",
    ),
    _abc(
        "processes",
        "Orders A, B, C in three kitchens",
        "三つのキッチンで注文A・B・C",
        "Three kitchens each cook one order.",
        "三つのキッチンがそれぞれ一つの注文を作る。",
        "Processes overlap too, at the price of starting a kitchen each.",
        "プロセスでも待ちは重なる。ただしキッチンを一つ開くごとに手間がかかる。",
    ),
    Scenario(
        id="one-knife",
        title="Cooks sharing one knife (the GIL)",
        title_ja="一本の包丁を分け合うコックたち（GIL）",
        analogy="Three cooks in one kitchen, one knife: only one can chop at a time.",
        analogy_ja="一つのキッチンに三人のコック、包丁は一本：切れるのは一度に一人だけ。",
        model="threads",
        bound="cpu",
        lesson="CPU-bound threads take turns: parallelism stays near 1 whatever the cores.",
        lesson_ja="CPUバウンドのスレッドは順番に切るしかない：コアがいくつあっても並列度は1前後。",
        group="The GIL",
        entry="scenarios.kitchen.knives:run_one_knife",
        params={"cooks": 3, "work_ms": 1000},
    ),
    Scenario(
        id="two-kitchens",
        title="Two kitchens, two knives (processes)",
        title_ja="二つのキッチン、二本の包丁（プロセス）",
        analogy="Two kitchens each with its own knife chop at the same time.",
        analogy_ja="それぞれ包丁を持つ二つのキッチンが同時に切る。",
        model="processes",
        bound="cpu",
        lesson=(
            "CPU-bound processes run side by side: parallelism near the kitchens or the cores,"
            " whichever is fewer."
        ),
        lesson_ja="CPUバウンドのプロセスは横に並んで走る：並列度はキッチンの数とコアの数の、少ない方に近づく。",
        group="Processes",
        entry="scenarios.kitchen.knives:run_two_kitchens",
        params={"cooks": 2, "work_ms": 1000},
    ),
    Scenario(
        id="potato-salad",
        title="Potato salad with asyncio",
        title_ja="asyncioでポテトサラダ",
        analogy="Microwave the potatoes, measure mayonnaise while they heat, then mash and mix.",
        analogy_ja="じゃがいもをレンジで温めている間にマヨネーズを量り、最後に潰して混ぜる。",
        model="asyncio",
        bound="mixed",
        lesson="Awaiting the microwave frees the cook: the salad is ready sooner.",
        lesson_ja="レンジをawaitすればコックの手が空く：サラダが早くできる。",
        group="asyncio",
        entry="scenarios.kitchen.potato_salad:run_async",
        params={"unit": 1.0},
    ),
    Scenario(
        id="potato-salad-sequential",
        title="Potato salad, step by step",
        title_ja="ポテトサラダを一つずつ",
        analogy="Stand at the microwave until it beeps, then measure, cut, mash and mix.",
        analogy_ja="レンジが鳴るまで前で待ち、それから量り、切り、潰して混ぜる。",
        model="sync",
        bound="mixed",
        lesson="Without tasks the waiting adds up: the same salad takes longer.",
        lesson_ja="タスクがなければ待ち時間は積み重なる：同じサラダでも時間がかかる。",
        group="asyncio",
        entry="scenarios.kitchen.potato_salad:run_sequential",
        params={"unit": 1.0},
    ),
    Scenario(
        id="sequential-vs-tasks",
        title="One dish after another, or two tasks at once",
        title_ja="一品ずつか、二つのタスクで同時にか",
        analogy="Bread and soup each need one unit in the oven: wait for each, or put both in.",
        analogy_ja="パンとスープはどちらもオーブンで1単位：一つずつ待つか、両方入れるか。",
        model="asyncio",
        bound="io",
        lesson="run_until_complete twice takes two units; two tasks take one, in any await order.",
        lesson_ja="run_until_completeを二回なら2単位、タスク二つなら1単位。どちらを先にawaitしても同じ。",
        group="asyncio",
        entry="scenarios.kitchen.tasks:run_sequential_vs_tasks",
        params={"unit": 0.5},
    ),
    Scenario(
        id="slow-print",
        title="A slow receipt printer stops the whole loop",
        title_ja="遅いレシート印刷がループ全体を止める",
        analogy="The cook stands at a slow printer; nobody checks the ovens meanwhile.",
        analogy_ja="コックが遅いプリンターの前に立ち尽くし、その間オーブンを誰も見ない。",
        model="asyncio",
        bound="io",
        lesson="A blocking call in a coroutine holds the loop: every other coroutine wakes late.",
        lesson_ja="コルーチンの中のブロッキング呼び出しはループを止める：ほかのコルーチンはみな起きるのが遅れる。",
        group="asyncio",
        entry="scenarios.kitchen.tasks:run_slow_print",
        params={"unit": 1.0},
    ),
    Scenario(
        id="slow-print-fixed",
        title="The printer gets a helper (to_thread)",
        title_ja="プリンターには助手を（to_thread）",
        analogy="A helper waits at the printer; the cook keeps checking the ovens on time.",
        analogy_ja="助手がプリンターの前で待ち、コックは時間どおりにオーブンを見回る。",
        model="asyncio",
        bound="io",
        lesson="asyncio.to_thread moves the blocking call off the loop: the others stay on time.",
        lesson_ja="asyncio.to_threadでブロッキング呼び出しをループの外へ：ほかは時間どおりに動く。",
        group="asyncio",
        entry="scenarios.kitchen.tasks:run_slow_print_fixed",
        params={"unit": 1.0},
    ),
    Scenario(
        id="cpu-in-asyncio",
        title="Chopping inside coroutines",
        title_ja="コルーチンの中で切る",
        analogy="One cook, three dishes to chop: switching dishes does not add hands.",
        analogy_ja="コック一人に切る料理が三つ：料理を切り替えても手は増えない。",
        model="asyncio",
        bound="cpu",
        lesson="CPU-bound coroutines run one after another and the loop cannot answer meanwhile.",
        lesson_ja="CPUバウンドのコルーチンは一つずつしか動かず、その間ループは何にも応えられない。",
        group="asyncio",
        entry="scenarios.kitchen.tasks:run_cpu_in_asyncio",
        params={"unit": 1.0, "dishes": 3},
    ),
    Scenario(
        id="offload-to-processes",
        title="Send the chopping to other kitchens",
        title_ja="切る作業を別のキッチンへ",
        analogy="The cook hands the chopping to two kitchens and keeps taking orders.",
        analogy_ja="コックは切る作業を二つのキッチンに任せ、注文を受け続ける。",
        model="mixed",
        bound="cpu",
        lesson="run_in_executor with a ProcessPoolExecutor: parallel chopping, a responsive loop.",
        lesson_ja="ProcessPoolExecutorでrun_in_executor：切る作業は並列に、ループはすぐ応える。",
        group="asyncio",
        entry="scenarios.kitchen.tasks:run_offload_to_processes",
        params={"unit": 1.0, "dishes": 3},
    ),
    Scenario(
        id="pools",
        title="Pools of cooks and pools of kitchens",
        title_ja="コックのプールとキッチンのプール",
        analogy="Three cooks share six orders; two kitchens share four dishes to chop.",
        analogy_ja="三人のコックが注文六つを分担し、二つのキッチンが切る料理四品を分担する。",
        model="mixed",
        bound="mixed",
        lesson="Thread pools suit waiting work, process pools CPU work; workers are reused.",
        lesson_ja="待つ仕事にはスレッドプール、CPUの仕事にはプロセスプール。ワーカーは使い回される。",
        group="Pools and kitchens",
        entry="scenarios.kitchen.pools:run_pools",
        params={"unit": 1.0},
    ),
    Scenario(
        id="buffet",
        title="The hotel buffet",
        title_ja="ホテルのビュッフェ",
        analogy="Several kitchens side by side, several cooks in each, one knife per kitchen.",
        analogy_ja="いくつものキッチンが並び、それぞれに何人ものコック、包丁はキッチンに一本。",
        model="mixed",
        bound="mixed",
        lesson="Kitchens chop in parallel; inside a kitchen cooks take turns with the knife.",
        lesson_ja="キッチン同士は並列に切る。一つのキッチンの中では、コックが包丁を順番に使う。",
        group="Pools and kitchens",
        entry="scenarios.kitchen.buffet:run_buffet",
        params={"unit": 1.0},
    ),
    Scenario(
        id="pass-the-plate",
        title="Passing plates between kitchens",
        title_ja="キッチンの間で皿を渡す",
        analogy="The kitchen passes plates through a hatch; the dining room waits at it.",
        analogy_ja="キッチンは皿を小窓から渡し、給仕はその前で待つ。",
        model="processes",
        bound="mixed",
        lesson="Processes share no memory: they talk through a pipe, and waiting on it shows.",
        lesson_ja="プロセスはメモリを共有しない：パイプでやり取りし、その待ちがレーンに見える。",
        group="Pools and kitchens",
        entry="scenarios.kitchen.buffet:run_pass_the_plate",
        params={"unit": 1.0, "plates": 6},
    ),
    Scenario(
        id="conveyor",
        title="The conveyor belt: a full belt makes the order taker wait",
        title_ja="ベルトコンベア：ベルトがいっぱいなら注文係は待つ",
        analogy="An order taker puts orders on a short belt; two cooks take them off and cook.",
        analogy_ja="注文係が短いベルトに注文を載せ、二人のコックが取って調理する。",
        model="threads",
        bound="io",
        lesson=(
            "A bounded queue.Queue is backpressure: a producer faster than its consumers waits"
            " at the full belt (waiting, queue) instead of piling up work."
        ),
        lesson_ja="上限付きのqueue.Queueは背圧になる：作る側が速すぎても仕事は積み上がらず、満杯のベルトの前で待つ（待機中、キュー）。",
        group="Pools and kitchens",
        entry="scenarios.kitchen.conveyor:run_conveyor",
        params={"unit": 1.0, "orders": 12, "cooks": 2},
    ),
    Scenario(
        id="conveyor-async",
        title="The conveyor belt in asyncio, with a stove of two burners",
        title_ja="asyncioのベルトコンベア、二口のコンロ",
        analogy="Order-taker and cook tasks share a short belt; the stove has two burners.",
        analogy_ja="注文係とコックのタスクが短いベルトを共有し、コンロは二口。",
        model="asyncio",
        bound="io",
        lesson=(
            "asyncio.Queue(maxsize) holds the order taker back; asyncio.Semaphore limits how"
            " many orders cook at once, however many cook tasks there are."
        ),
        lesson_ja="asyncio.Queue(maxsize)が注文係を引き止め、asyncio.Semaphoreは、コックのタスクがいくつあっても同時に調理する注文の数を抑える。",
        group="Pools and kitchens",
        entry="scenarios.kitchen.conveyor:run_conveyor_async",
        params={"unit": 1.0, "orders": 12, "cooks": 4, "burners": 2},
    ),
    Scenario(
        id="life-of-a-process",
        title="The life of a process, a thread and a task",
        title_ja="プロセス・スレッド・タスクの一生",
        analogy="Every cook is hired, waits for a station, works, waits for the oven, goes home.",
        analogy_ja="コックは雇われ、持ち場を待ち、働き、オーブンを待ち、帰る。",
        model="mixed",
        bound="mixed",
        lesson=(
            "new, ready, running, waiting, done: the same five states for a thread and a task;"
            " a process is new, ready, then alive while its threads take them, then done."
        ),
        lesson_ja="生成、実行待ち、実行中、待機中、終了：スレッドもタスクも同じ五つの状態をたどる。プロセスは生成と実行待ちのあと、スレッドが働く間は生きていて、最後に終了する。",
        group="Processes",
        entry="scenarios.kitchen.lifecycle:run_life_of_a_process",
        params={"unit": 1.0},
    ),
    Scenario(
        id="one-core-vs-many",
        title="One core or many: a row of the table",
        title_ja="コア一つか複数か：表の一行",
        analogy="Kitchens and cooks, on one stove or on several.",
        analogy_ja="キッチンとコックを、コンロ一つで、または複数で。",
        model="mixed",
        bound="cpu",
        lesson="Only several cores give parallelism, and only processes use them for Python work.",
        lesson_ja="並列になるのはコアが複数あるときだけ。しかもPythonで書いた仕事でそれを使えるのはプロセスだけ。",
        group="Processes",
        entry="scenarios.kitchen.verdict:run_table_row",
        params={"unit": 1.0, "processes": 2, "threads": 2},
    ),
    Scenario(
        id="many-cooks",
        title="Too many cooks",
        title_ja="コックが多すぎる",
        analogy="The same chopping shared by more and more cooks with one knife.",
        analogy_ja="同じ量の切る作業を、一本の包丁でどんどん多くのコックが分け合う。",
        model="threads",
        bound="cpu",
        lesson="More threads do not make CPU work faster: they add switches.",
        lesson_ja="スレッドを増やしてもCPUの仕事は速くならない：切り替えが増えるだけ。",
        group="The GIL",
        entry="scenarios.kitchen.verdict:run_many_cooks",
        params={"unit": 1.0, "cooks": 16},
    ),
    Scenario(
        id="oven-bell",
        title="The oven bell: waking needs the knife back",
        title_ja="オーブンのベル：起きたら包丁を取り戻す",
        analogy="A cook waits for short oven bells; beside him another cook chops with the knife.",
        analogy_ja="コックが短いオーブンのベルを待つ。隣では別のコックが包丁で切っている。",
        model="threads",
        bound="io",
        lesson=(
            "Waiting needs no GIL, but waking does: short waits beside CPU work take several"
            " times longer, each bell followed by ready."
        ),
        lesson_ja="待つのにGILはいらないが、起きるにはいる：CPUの仕事の隣では短い待ちが何倍にも延び、ベルのたびに実行待ちが続く。",
        group="The GIL",
        entry="scenarios.kitchen.gil_release:run_oven_bell",
        params={"bells": 50, "bell_ms": 1.0},
    ),
    Scenario(
        id="food-processor",
        title="The food processor: C code that lets go of the knife",
        title_ja="フードプロセッサー：包丁を手放すCのコード",
        analogy="Two cooks of one kitchen feed a food processor that needs no knife.",
        analogy_ja="一つのキッチンの二人のコックが、包丁のいらないフードプロセッサーに入れる。",
        model="threads",
        bound="cpu",
        lesson=(
            "CPU work in C that releases the GIL (hashlib on large buffers) runs in parallel"
            " threads of one process."
        ),
        lesson_ja="GILを手放すCのCPU処理（大きなバッファのhashlib）なら、一つのプロセスのスレッドが並列に走る。",
        group="The GIL",
        entry="scenarios.kitchen.gil_release:run_food_processor",
        params={"cooks": 2, "work_ms": 600},
    ),
    Scenario(
        id="carrots-and-sink",
        title="Carrots and the sink (deadlock)",
        title_ja="にんじんとシンク（デッドロック）",
        analogy="One cook holds the board and waits for the sink; the other the reverse.",
        analogy_ja="一人はまな板を持ってシンクを待ち、もう一人はその逆。",
        model="threads",
        bound="cpu",
        lesson="Two locks taken in opposite orders: both wait forever; Cookline calls it, stops.",
        lesson_ja="二つのロックを逆の順番で取ると、二人とも永遠に待つ：Cooklineがそれを見つけて止める。",
        group="Hazards",
        entry="scenarios.kitchen.hazards:run_carrots_and_sink",
        params={"unit": 1.0},
    ),
    Scenario(
        id="carrots-and-sink-fixed",
        title="Carrots and the sink, one order",
        title_ja="にんじんとシンク、順番を一つに",
        analogy="Both cooks take the board first, then the sink.",
        analogy_ja="二人ともまずまな板、次にシンクを取る。",
        model="threads",
        bound="cpu",
        lesson="One lock order for everyone: someone waits a little, nobody waits forever.",
        lesson_ja="全員がロックを同じ順番で取る：少し待つ人はいても、永遠に待つ人はいない。",
        group="Hazards",
        entry="scenarios.kitchen.hazards:run_carrots_and_sink_fixed",
        params={"unit": 1.0},
    ),
    Scenario(
        id="frying-pan",
        title="Two dishes in one frying pan (race)",
        title_ja="一つのフライパンに二つの料理（競合）",
        analogy="Two cooks add portions to one pan, each reading the count then writing it back.",
        analogy_ja="二人のコックが一つのフライパンに入れる。数を読んで、足して、書き戻す。",
        model="threads",
        bound="cpu",
        lesson=(
            "Read-modify-write without a lock loses updates, GIL or not: every run at a 1 µs"
            " switch interval, only sometimes at the default 5 ms (three trials shown beside)."
        ),
        lesson_ja=(
            "ロックなしで読んで・足して・書き戻すと、GILがあっても更新が消える："
            "切り替え間隔1 µsなら毎回、既定の5 msではときどき（横に三回の試行）。"
        ),
        group="Hazards",
        entry="scenarios.kitchen.hazards:run_frying_pan",
        params={"portions": 200_000},
    ),
    Scenario(
        id="frying-pan-locked",
        title="One frying pan, with a lock",
        title_ja="一つのフライパン、ロック付き",
        analogy="A cook takes the pan's handle before adding a portion.",
        analogy_ja="コックはフライパンの取っ手を握ってから一人前を入れる。",
        model="threads",
        bound="cpu",
        lesson="With a lock around read-modify-write, every portion is counted.",
        lesson_ja="読んで・足して・書き戻す間をロックで囲めば、一人前も数え漏れない。",
        group="Hazards",
        entry="scenarios.kitchen.hazards:run_frying_pan_locked",
        params={"portions": 200_000},
    ),
    Scenario(
        id="rush-at-the-counter",
        title="Lunch rush at the counter (WSGI vs ASGI)",
        title_ja="カウンターの昼のラッシュ（WSGIとASGI）",
        analogy="Clerks who each serve one customer, or one clerk who takes every order.",
        analogy_ja="一人ずつ対応する店員たちか、全員の注文を受ける一人の店員か。",
        model="mixed",
        bound="io",
        lesson="Slow requests over loopback HTTP: one event loop serves the rush with one worker.",
        lesson_ja="ループバックのHTTPで遅いリクエスト：イベントループなら一つのワーカーでラッシュをさばける。",
        group="Servers",
        entry="scenarios.kitchen.counter:run_rush_at_the_counter",
        params={"unit": 1.0, "requests": 16, "sync_workers": 2},
    ),
    *(
        Scenario(
            id=f"{bound}-{model}",
            title=f"The verdict: {what} with {model}",
            title_ja=f"判定：{what_ja}を{model_ja}で",
            analogy=f"The same {what} done {how}.",
            analogy_ja=f"同じ{what_ja}を{how_ja}。",
            model="sync" if model == "sequential" else model,
            bound=bound,
            lesson=f"`cookline compare {bound}` runs it beside the other models.",
            lesson_ja=f"`cookline compare {bound}` でほかのモデルと並べて走らせる。",
            group="The verdict",
            entry=f"scenarios.kitchen.verdict:run_{bound}_{model}",
            params={"unit": 1.0},
        )
        for bound, what, what_ja in (
            ("cpu", "chopping (CPU-bound)", "切る作業（CPUバウンド）"),
            ("io", "oven waiting (I/O-bound)", "オーブン待ち（I/Oバウンド）"),
        )
        for model, model_ja, how, how_ja in (
            ("sequential", "逐次", "by one cook, one dish after another", "一人のコックが一品ずつ"),
            (
                "asyncio",
                "asyncio",
                "by one cook switching dishes",
                "一人のコックが料理を切り替えて",
            ),
            (
                "threads",
                "スレッド",
                "by a cook per dish in one kitchen",
                "一つのキッチンで一品に一人ずつ",
            ),
            ("processes", "プロセス", "by a kitchen per dish", "一品に一つのキッチンで"),
        )
    ),
    Scenario(
        id="burnt-dish",
        title="Drill: a cook drops the pan",
        title_ja="訓練：コックがフライパンを落とす",
        analogy="One cook's dish fails halfway; the kitchen reports it and carries on.",
        analogy_ja="一人の料理が途中で失敗し、キッチンはそれを報告する。",
        model="threads",
        bound="cpu",
        lesson="A failure is shown where it happened, with its error.",
        lesson_ja="失敗は起きた場所に、そのエラーと一緒に表示される。",
        group="Drills",
        entry="scenarios.kitchen.drills:run_burnt_dish",
        params={"work_ms": 300},
    ),
    Scenario(
        id="frozen-cook",
        title="Drill: a cook freezes",
        title_ja="訓練：コックが固まる",
        analogy="A cook stops moving without a word: no chopping, no waiting on anything known.",
        analogy_ja="コックが何も言わずに止まる：切りもせず、何かを待っているわけでもない。",
        model="sync",
        bound="cpu",
        lesson="A silent hang is called a stall and the kitchen is stopped.",
        lesson_ja="黙ったまま止まれば停止と判定し、キッチンを止める。",
        group="Drills",
        entry="scenarios.kitchen.drills:run_frozen_cook",
    ),
)

BY_ID = {s.id: s for s in SCENARIOS}

GROUPS_JA = {
    "Orders A, B, C": "注文A・B・C",
    "The GIL": "GIL：一本の包丁",
    "Processes": "プロセス：キッチン",
    "asyncio": "asyncio：一人のコック",
    "Pools and kitchens": "プールとキッチン",
    "Hazards": "事故",
    "Servers": "サーバー",
    "The verdict": "判定",
    "Drills": "訓練",
}
"""The tour's chapters, as the Japanese tour heads them."""


def get(scenario_id: str) -> Scenario:
    try:
        return BY_ID[scenario_id]
    except KeyError:
        close = difflib.get_close_matches(scenario_id, list(BY_ID), n=3, cutoff=0.4)
        raise UnknownScenario(scenario_id, close) from None
