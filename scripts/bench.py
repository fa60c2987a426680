"""`make bench`: the stack next to stock `rasa run`, on the same model, in one run.

Measured, in this order, on this machine:
  1. training time of the model (ours, into a fresh directory, no cache);
  2. stock: action server + stock `rasa run` (REST channel, Redis tracker and lock store, one
     Sanic worker): cold start to ready, free text and '/intent' payloads posted to the REST
     webhook, peak memory; then stopped;
  3. stack: the same model with Rasa run as the stack runs it (--rasa-workers Sanic workers,
     sharing the Redis lock store), driven through the gateway's pipeline in this process
     (language detection, Redis, Rasa, rendering from the catalogs); inline-button callbacks
     for topics are answered by the gateway and written to Rasa's tracker in the background.
Free text: N messages drawn from the NLU data of all languages, C concurrent senders, many users
(the most the side can do), then the same messages sent at a steady rate (open loop, as users
send them: the latency a user sees at that load).
Prints a table with ratios (stack / stock; for latency and memory lower is better).
Numbers on a shared machine are noisy: compare the ratios, run twice if in doubt.
Telegram I/O is not included on either side (the gateway's delivery is tested in tests/).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_gateway  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.gateway import User  # noqa: E402
from bot.i18n.detect import read_nlu_examples  # noqa: E402
from bot.state.redis import from_url  # noqa: E402
from bot.topics import TOPIC_KEYS  # noqa: E402
from scripts.model import INPUTS as MODEL_INPUTS  # noqa: E402
from tests.stack import RedisServer, Stack  # noqa: E402


def proc_mb(pid: int, path: str, field: str, missing: float = float("nan")) -> float:
    """A kB field of a /proc/<pid> file, in MB."""
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return missing


def peak_rss_mb(pid: int) -> float:
    return proc_mb(pid, "status", "VmHWM")


def timed(send: Callable[[int, str], Awaitable[None]], latencies: list[float]) -> Callable[[int, str], Awaitable[None]]:
    """``send``, appending each call's latency in ms to ``latencies``."""

    async def timed_send(index: int, text: str) -> None:
        started = time.perf_counter()
        await send(index, text)
        latencies.append((time.perf_counter() - started) * 1000)

    return timed_send


async def load(
    send: Callable[[int, str], Awaitable[None]],
    texts: list[str],
    concurrency: int,
    finish: Callable[[], Awaitable[None]] | None = None,
) -> tuple[float, list[float]]:
    """Send every text once with ``concurrency`` workers; return (messages/s, latencies in ms)."""
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for item in enumerate(texts):
        queue.put_nowait(item)
    latencies: list[float] = []
    timed_send = timed(send, latencies)

    async def worker() -> None:
        while not queue.empty():
            await timed_send(*queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if finish is not None:  # work still owed (background writes) counts against throughput
        await finish()
    return len(texts) / (time.perf_counter() - started), latencies


async def paced(
    send: Callable[[int, str], Awaitable[None]], texts: list[str], rate: float
) -> tuple[float, list[float]]:
    """Open loop: a new message every 1/``rate`` s whether or not earlier ones were answered, as
    users send them. Returns (messages/s achieved, latencies in ms). Unlike ``load``, latencies
    here include no queueing behind the load generator's own senders."""
    latencies: list[float] = []
    timed_send = timed(send, latencies)
    tasks = []
    started = time.perf_counter()
    for index, text in enumerate(texts):
        await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(timed_send(index, text)))
    await asyncio.gather(*tasks)
    return len(texts) / (time.perf_counter() - started), latencies


def sample_texts(count: int, seed: int = 7) -> list[str]:
    """``count`` messages drawn from the NLU data of all languages (the same ones on every run)."""
    rng = random.Random(seed)
    examples = [t for texts in read_nlu_examples(ROOT / "data" / "nlu").values() for t in texts]
    return [rng.choice(examples) for _ in range(count)]


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else float("nan")


async def measure(
    stack: Stack, side: str, texts: list[str], buttons: list[str], concurrency: int, users: int, steady_rate: float
) -> dict[str, dict[str, float]]:
    """Free text and buttons against one side: "stock" (Rasa's REST webhook) or "stack" (the gateway)."""
    results: dict[str, dict[str, float]] = {}
    settings = Settings.from_env(stack.env)
    redis = from_url(stack.redis_url)
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        gateway = build_gateway(settings, redis, http)

        async def stock_text(i: int, text: str) -> None:
            response = await http.post(url, json={"sender": f"stock{i % users}", "message": text})
            response.raise_for_status()

        async def stock_button(i: int, intent: str) -> None:
            response = await http.post(url, json={"sender": f"stock{i % users}", "message": f"/{intent}"})
            response.raise_for_status()

        async def stack_text(i: int, text: str) -> None:
            replies = await gateway.text(User("bench", i % users, None), text)
            assert replies

        async def stack_button(i: int, intent: str) -> None:
            replies = await gateway.button(User("bench", i % users, None), f"i:{intent}")
            assert replies

        text_fn, button_fn = (stock_text, stock_button) if side == "stock" else (stack_text, stack_button)
        # Warm-up: first calls load lazily initialised parts of Rasa (in every Sanic worker).
        await load(text_fn, texts[:40], 8)
        for kind, (fn, items) in {"text": (text_fn, texts), "button": (button_fn, buttons)}.items():
            rate, latencies = await load(fn, items, concurrency, gateway.drain if side == "stack" else None)
            results[kind] = {"rate": rate, "p50": pct(latencies, 50), "p95": pct(latencies, 95)}
            print(
                f"  {side} {kind}: {rate:.1f} msg/s, p50 {results[kind]['p50']:.0f} ms, p95 {results[kind]['p95']:.0f} ms",
                file=sys.stderr,
            )
        # The target: free text *sustained* at a steady rate, with its p95 latency.
        rate, latencies = await paced(text_fn, texts, steady_rate)
        results["steady"] = {"rate": rate, "p50": pct(latencies, 50), "p95": pct(latencies, 95)}
        print(f"  {side} steady: {rate:.1f} msg/s, p95 {results['steady']['p95']:.0f} ms", file=sys.stderr)
    await redis.close()
    return results


def pss_mb(pid: int) -> float:
    """Proportional set size now: pages shared between forked Sanic workers (TensorFlow and the
    rest of Rasa, imported before the fork) count once, where a sum of RSS counts them in every
    worker."""
    return proc_mb(pid, "smaps_rollup", "Pss", missing=0.0)


def tree_mb(pid: int, measure: Callable[[int], float] = peak_rss_mb) -> float:
    """``measure`` summed over a process and its children (Sanic workers are child processes)."""
    total = measure(pid)
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += tree_mb(int(child), measure)
    except OSError:
        pass
    return total


def train_time(model_dir: Path) -> float:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    rasa = str(Path(sys.executable).with_name("rasa"))
    with tempfile.TemporaryDirectory() as work:
        for name in MODEL_INPUTS:
            source, target = ROOT / name, Path(work) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
        started = time.perf_counter()
        subprocess.run([rasa, "train", "--fixed-model-name", "bench", "--domain", "domain", "--config", "config.yml", "--data", "data", "--out", str(model_dir)], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--steady-rate", type=float, default=30.0, help="free text sent at this steady rate (msg/s)")
    parser.add_argument("--no-train", action="store_true", help="skip measuring training time")
    parser.add_argument("--rasa-workers", type=int, default=1, help="Sanic workers of the stack's Rasa (SANIC_WORKERS)")
    args = parser.parse_args()

    texts = sample_texts(args.messages)
    buttons = [random.Random(7).choice(TOPIC_KEYS) for _ in range(args.messages)]

    training = float("nan")
    if not args.no_train:
        print("training the model from scratch (no cache)...", file=sys.stderr)
        with tempfile.TemporaryDirectory() as out:
            training = train_time(Path(out))

    server = RedisServer.ensure()
    sides = {"stock": {}, "stack": {"SANIC_WORKERS": str(args.rasa_workers)}}
    results: dict[str, dict[str, dict[str, float]]] = {}
    cold: dict[str, float] = {}
    rss: dict[str, dict[str, float]] = {}
    try:
        for side, extra in sides.items():
            print(f"starting Rasa and the action server ({side})...", file=sys.stderr)
            started = time.perf_counter()
            stack = Stack.start(server.url, prefix=f"mbbench{side}", model=str(ROOT / args.model), extra_env=extra)
            cold[side] = time.perf_counter() - started
            try:
                results[side] = asyncio.run(
                    measure(stack, side, texts, buttons, args.concurrency, args.users, args.steady_rate)
                )
                rss[side] = {name: tree_mb(p.pid) for name, p in stack.processes.items()}
                rss[side]["pss"] = sum(tree_mb(p.pid, pss_mb) for p in stack.processes.values())
            finally:
                stack.stop()
                stack.delete_keys()
    finally:
        server.stop()
    gateway_rss = peak_rss_mb(os.getpid())

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    stack_total = rss["stack"]["rasa"] + rss["stack"]["actions"] + gateway_rss
    stock_total = rss["stock"]["rasa"] + rss["stock"]["actions"]
    rows = [
        ("free text, msg/s", results["stack"]["text"]["rate"], results["stock"]["text"]["rate"]),
        ("free text, p50 ms", results["stack"]["text"]["p50"], results["stock"]["text"]["p50"]),
        ("free text, p95 ms", results["stack"]["text"]["p95"], results["stock"]["text"]["p95"]),
        (
            f"free text sent at a steady {args.steady_rate:g} msg/s: achieved msg/s",
            results["stack"]["steady"]["rate"],
            results["stock"]["steady"]["rate"],
        ),
        (
            f"free text at {args.steady_rate:g} msg/s, p50 ms",
            results["stack"]["steady"]["p50"],
            results["stock"]["steady"]["p50"],
        ),
        (
            f"free text at {args.steady_rate:g} msg/s, p95 ms",
            results["stack"]["steady"]["p95"],
            results["stock"]["steady"]["p95"],
        ),
        ("button, msg/s", results["stack"]["button"]["rate"], results["stock"]["button"]["rate"]),
        ("button, p50 ms", results["stack"]["button"]["p50"], results["stock"]["button"]["p50"]),
        ("button, p95 ms", results["stack"]["button"]["p95"], results["stock"]["button"]["p95"]),
        ("cold start to ready (action server + Rasa), s", cold["stack"], cold["stock"]),
        ("peak RSS Rasa (all workers), MB", rss["stack"]["rasa"], rss["stock"]["rasa"]),
        ("peak RSS action server, MB", rss["stack"]["actions"], rss["stock"]["actions"]),
        ("peak RSS total (stack: + gateway and load generator), MB", stack_total, stock_total),
        (
            "PSS after the load: Rasa + action server (+ gateway and load generator), MB",
            rss["stack"]["pss"] + pss_mb(os.getpid()),
            rss["stock"]["pss"],
        ),
    ]
    print(
        f"\n{args.messages} messages, {args.concurrency} concurrent senders, {args.users} users; "
        f"model {Path(args.model).name}; stack: Rasa with {args.rasa_workers} Sanic workers, stock: 1\n"
    )
    print("| measure | stack | stock rasa run | stack/stock |")
    print("|---|---:|---:|---:|")
    for name, ours, stock in rows:
        print(f"| {name} | {ours:.1f} | {stock:.1f} | {ratio(ours, stock)} |")
    button_speedup = results["stack"]["text"]["p50"] / max(results["stack"]["button"]["p50"], 1e-9)
    print(f"| button vs free text in the stack (p50 latency) | {button_speedup:.1f}x faster | | |")
    print(f"| training (our config, no cache), s | {training:.0f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
