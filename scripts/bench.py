"""`make bench`: the stack next to stock `rasa run`, on the same model, in one run.

Measured, in this order, on this machine:
  1. training time of the model (ours, into a fresh directory, no cache);
  2. cold start to ready: action server + Rasa until both answer (the same for stock and for
     the stack today: the stack runs stock Rasa behind the gateway);
  3. free text: N messages from the NLU data of all languages, C concurrent senders, many users;
     stock = POST to Rasa's REST webhook; stack = the gateway's pipeline (language detection,
     Redis, Rasa, rendering from the catalogs) in this process;
  4. button presses: the same, with '/intent' payloads (stock) and inline-button callbacks (stack);
  5. peak resident memory (VmHWM) of each process.
Prints a table with ratios (stack / stock; for latency and memory lower is better).
Numbers on a shared machine are noisy: compare the ratios, run twice if in doubt.
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
from tests.stack import RedisServer, Stack  # noqa: E402


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def load(
    send: Callable[[int, str], Awaitable[None]], texts: list[str], concurrency: int
) -> tuple[float, list[float]]:
    """Send every text once with ``concurrency`` workers; return (messages/s, latencies in ms)."""
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for item in enumerate(texts):
        queue.put_nowait(item)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            index, text = queue.get_nowait()
            started = time.perf_counter()
            await send(index, text)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(texts) / (time.perf_counter() - started), latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else float("nan")


async def measure(
    stack: Stack, texts: list[str], buttons: list[str], concurrency: int, users: int
) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    settings = Settings.from_env(stack.env)
    redis = from_url(stack.redis_url)
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        url = f"{stack.rasa_url}/webhooks/rest/webhook"

        async def stock_text(i: int, text: str) -> None:
            response = await http.post(url, json={"sender": f"stock{i % users}", "message": text})
            response.raise_for_status()

        async def stock_button(i: int, intent: str) -> None:
            response = await http.post(url, json={"sender": f"stock{i % users}", "message": f"/{intent}"})
            response.raise_for_status()

        gateway = build_gateway(settings, redis, http)

        async def stack_text(i: int, text: str) -> None:
            replies = await gateway.text(User("bench", i % users, None), text)
            assert replies

        async def stack_button(i: int, intent: str) -> None:
            replies = await gateway.button(User("bench", i % users, None), f"i:{intent}")
            assert replies

        # Warm-up: first calls load lazily initialised parts of Rasa and TensorFlow.
        await load(stock_text, texts[:20], 4)
        await load(stack_text, texts[:20], 4)
        for name, (fn, items) in {
            "stock text": (stock_text, texts),
            "stack text": (stack_text, texts),
            "stock button": (stock_button, buttons),
            "stack button": (stack_button, buttons),
        }.items():
            rate, latencies = await load(fn, items, concurrency)
            results[name] = {"rate": rate, "p50": pct(latencies, 50), "p95": pct(latencies, 95)}
            print(
                f"  {name}: {rate:.1f} msg/s, p50 {results[name]['p50']:.0f} ms, p95 {results[name]['p95']:.0f} ms",
                file=sys.stderr,
            )
    await redis.close()
    return results


def train_time(model_dir: Path) -> float:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    rasa = str(Path(sys.executable).with_name("rasa"))
    with tempfile.TemporaryDirectory() as work:
        for name in ("config.yml", "domain", "data"):
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, Path(work) / name)
        started = time.perf_counter()
        subprocess.run([rasa, "train", "--domain", "domain", "--config", "config.yml", "--data", "data", "--out", str(model_dir)], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--no-train", action="store_true", help="skip measuring training time")
    args = parser.parse_args()

    rng = random.Random(7)
    examples = [t for texts in read_nlu_examples(ROOT / "data" / "nlu").values() for t in texts]
    texts = [rng.choice(examples) for _ in range(args.messages)]
    buttons = [rng.choice(TOPIC_KEYS) for _ in range(args.messages)]

    training = float("nan")
    if not args.no_train:
        print("training the model from scratch (no cache)...", file=sys.stderr)
        with tempfile.TemporaryDirectory() as out:
            training = train_time(Path(out))

    server = RedisServer.ensure()
    print("starting Rasa and the action server...", file=sys.stderr)
    started = time.perf_counter()
    stack = Stack.start(server.url, prefix="mbbench", model=str(ROOT / args.model))
    cold_start = time.perf_counter() - started
    try:
        results = asyncio.run(measure(stack, texts, buttons, args.concurrency, args.users))
        rss = {name: peak_rss_mb(p.pid) for name, p in stack.processes.items()}
        rss["gateway+load generator (this process)"] = peak_rss_mb(os.getpid())
    finally:
        stack.stop()
        stack.delete_keys()
        server.stop()

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    rows = [
        ("free text, msg/s", results["stack text"]["rate"], results["stock text"]["rate"]),
        ("free text, p50 ms", results["stack text"]["p50"], results["stock text"]["p50"]),
        ("free text, p95 ms", results["stack text"]["p95"], results["stock text"]["p95"]),
        ("button, msg/s", results["stack button"]["rate"], results["stock button"]["rate"]),
        ("button, p50 ms", results["stack button"]["p50"], results["stock button"]["p50"]),
        ("button, p95 ms", results["stack button"]["p95"], results["stock button"]["p95"]),
        ("cold start to ready, s", cold_start, cold_start),
    ]
    print(
        f"\n{args.messages} messages, {args.concurrency} concurrent senders, {args.users} users; model {Path(args.model).name}\n"
    )
    print("| measure | stack | stock rasa run | stack/stock |")
    print("|---|---:|---:|---:|")
    for name, ours, stock in rows:
        print(f"| {name} | {ours:.1f} | {stock:.1f} | {ratio(ours, stock)} |")
    for name, value in rss.items():
        print(
            f"| peak RSS {name}, MB | {value:.0f} | {'(same process)' if 'rasa' in name or 'actions' in name else '-'} | |"
        )
    print(f"| training (our config, no cache), s | {training:.0f} | | |")
    print("\nStock and stack share Rasa and the action server today, so start-up and memory of those are one figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
