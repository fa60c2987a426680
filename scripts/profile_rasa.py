"""`make profile`: where a Rasa server spends its time under the bench's free-text load.

Starts the action server and Rasa (as the tests and the bench do), drives Rasa's REST webhook
with free text from the NLU data for DURATION seconds, samples the Rasa process with py-spy
meanwhile, and prints:
  - CPU use of Rasa, the action server and this load generator (share of one core);
  - where Rasa's busy samples fall (NLU pipeline, policies, tracker store, ...).
py-spy is not a dependency of the bot: install it anywhere (`pip install py-spy`) and put it on
PATH or point PY_SPY at it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n.detect import read_nlu_examples  # noqa: E402
from tests.stack import RedisServer, Stack  # noqa: E402

# First match wins, tested from the innermost frame outwards: a sample in the Redis client
# called by the tracker store counts as "tracker store".
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("NLU: tokenizer and concept lexicon", ("/nlu/tokenizer.py", "/nlu/lexicon.py", "/nlu/normalise.py")),
    ("NLU: featurizers and classifier", ("rasa/nlu/featurizers", "rasa/nlu/classifiers", "sklearn", "scipy")),
    ("NLU: other Rasa NLU", ("rasa/nlu/",)),
    ("policies (rules, memoization)", ("rasa/core/policies",)),
    ("tracker store (Redis, JSON)", ("tracker_store.py",)),
    ("lock store", ("lock_store.py",)),
    ("calling the action server", ("rasa/core/actions/action.py", "aiohttp")),
    ("graph engine and processor", ("rasa/engine", "rasa/core/processor.py")),
    ("events and trackers in memory", ("rasa/shared/core",)),
    ("Sanic and HTTP", ("sanic", "httptools", "uvloop")),
]


def categorise(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, needles in CATEGORIES:
            if any(needle in frame for needle in needles):
                return name
    return "other (asyncio, logging, ...)"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(url: str, texts: list[str], seconds: float, concurrency: int) -> int:
    done = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=60) as http:

        async def worker(n: int) -> None:
            nonlocal done
            i = n
            while time.monotonic() < deadline:
                response = await http.post(url, json={"sender": f"prof{i % 200}", "message": texts[i % len(texts)]})
                response.raise_for_status()
                done += 1
                i += concurrency

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    py_spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not py_spy:
        print("py-spy not found: pip install py-spy, then PY_SPY=/path/to/py-spy", file=sys.stderr)
        return 2

    rng = random.Random(7)
    examples = [t for texts in read_nlu_examples(ROOT / "data" / "nlu").values() for t in texts]
    texts = [rng.choice(examples) for _ in range(2000)]
    server = RedisServer.ensure()
    stack = Stack.start(server.url, prefix="mbprofile", model=str(ROOT / args.model))
    try:
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        asyncio.run(drive(url, texts[:40], 3, 8))  # warm-up
        pids = {"rasa": stack.processes["rasa"].pid, "action server": stack.processes["actions"].pid}
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "rasa.txt"
            spy = subprocess.Popen(
                [py_spy, "record", "--pid", str(pids["rasa"]), "--format", "raw", "--rate", "200", "--nonblocking", "--full-filenames",
                 "--duration", str(int(args.duration)), "--output", str(raw)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            own_before = time.process_time()
            started = time.monotonic()
            done = asyncio.run(drive(url, texts, args.duration, args.concurrency))
            elapsed = time.monotonic() - started
            cpu = {name: (cpu_seconds(pid) - before[name]) / elapsed for name, pid in pids.items()}
            cpu["load generator"] = (time.process_time() - own_before) / elapsed
            spy.wait(60)
            samples: Counter[str] = Counter()
            for line in raw.read_text().splitlines():
                stack_text, _, count = line.rpartition(" ")
                if count.isdigit():
                    samples[categorise(stack_text)] += int(count)
    finally:
        stack.stop()
        stack.delete_keys()
        server.stop()

    print(f"{done} messages in {elapsed:.1f} s: {done / elapsed:.1f} msg/s, {1000 * elapsed / done:.1f} ms per message")
    print("\n| process | CPU (share of one core) | CPU ms per message |\n|---|---:|---:|")
    for name, share in cpu.items():
        print(f"| {name} | {share:.0%} | {1000 * share * elapsed / done:.1f} |")
    total = sum(samples.values()) or 1
    print("\n| where Rasa's busy samples fall | share |\n|---|---:|")
    for name, count in samples.most_common():
        print(f"| {name} | {count / total:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
