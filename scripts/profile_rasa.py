"""`make profile`: where a Rasa server spends its time under the bench's free-text load.

Starts the action server and Rasa (as the tests and the bench do), drives Rasa's REST webhook
with free text drawn from the NLU data (the bench's load and sampling), samples the Rasa
process with py-spy meanwhile, and prints:
  - CPU use of Rasa, the action server and this load generator (share of one core);
  - where Rasa's busy samples fall (NLU pipeline, policies, tracker store, ...).
py-spy is not a dependency of the bot: install it anywhere (`pip install py-spy`) and put it on
PATH or point PY_SPY at it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, sample_texts  # noqa: E402  (scripts/ is on sys.path when run as a script)

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


async def drive(url: str, texts: list[str], concurrency: int) -> float:
    """Post every text to Rasa's REST webhook; return messages/s."""
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=concurrency * 2)) as http:

        async def send(i: int, text: str) -> None:
            response = await http.post(url, json={"sender": f"prof{i % 200}", "message": text})
            response.raise_for_status()

        rate, _ = await load(send, texts, concurrency)
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--messages", type=int, default=1600, help="about 30 s of load on the 2-core machine")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    py_spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not py_spy:
        print("py-spy not found: pip install py-spy, then PY_SPY=/path/to/py-spy", file=sys.stderr)
        return 2

    texts = sample_texts(args.messages)
    server = RedisServer.ensure()
    try:
        stack = Stack.start(server.url, prefix="mbprofile", model=str(ROOT / args.model))
        try:
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            asyncio.run(drive(url, texts[:40], 8))  # warm-up: Rasa initialises parts lazily
            pids = {"rasa": stack.processes["rasa"].pid, "action server": stack.processes["actions"].pid}
            with tempfile.TemporaryDirectory() as tmp:
                raw = Path(tmp) / "rasa.txt"
                spy = subprocess.Popen(
                    [py_spy, "record", "--pid", str(pids["rasa"]), "--format", "raw", "--rate", "200",
                     "--nonblocking", "--full-filenames", "--output", str(raw)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                own_before = time.process_time()
                started = time.monotonic()
                rate = asyncio.run(drive(url, texts, args.concurrency))
                elapsed = time.monotonic() - started
                cpu = {name: (cpu_seconds(pid) - before[name]) / elapsed for name, pid in pids.items()}
                cpu["load generator"] = (time.process_time() - own_before) / elapsed
                spy.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
                spy.wait(60)
                samples: Counter[str] = Counter()
                for line in raw.read_text().splitlines():
                    stack_text, _, count = line.rpartition(" ")
                    if count.isdigit():
                        samples[categorise(stack_text)] += int(count)
        finally:
            stack.stop()
            stack.delete_keys()
    finally:
        server.stop()

    print(f"{len(texts)} messages in {elapsed:.1f} s: {rate:.1f} msg/s")
    print("\n| process | CPU (share of one core) | CPU ms per message |\n|---|---:|---:|")
    for name, share in cpu.items():
        print(f"| {name} | {share:.0%} | {1000 * share * elapsed / len(texts):.1f} |")
    total = sum(samples.values()) or 1
    print("\n| where Rasa's busy samples fall | share |\n|---|---:|")
    for name, count in samples.most_common():
        print(f"| {name} | {count / total:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
