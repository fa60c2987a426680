"""Find or train the Rasa model for the current training data, cached by fingerprint.

    python scripts/model.py            print the model's path, training it only if needed

The fingerprint covers config.yml, domain/ and data/ (every .yml file's path and content), the
Rasa version and the Python version. Models live in models/<fingerprint>.tar.gz and are also
kept in a cache outside the checkout (MODEL_CACHE_DIR, default ~/.cache/migrant-info-bot/models),
so a fresh clone with unchanged data does not train again. A lock keeps two trainings apart.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
# nlu/, dialogue/: custom components; bot/topics.py: the topic keys and thresholds they read.
INPUTS = ("config.yml", "domain", "data", "nlu", "dialogue", "bot/__init__.py", "bot/topics.py")


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    digest.update(f"rasa={rasa_version()} python={sys.version_info[:2]}\n".encode())
    files: list[Path] = []
    for name in INPUTS:
        path = root / name
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".py"))
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    base = os.environ.get("MODEL_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "migrant-info-bot" / "models"


def ensure_model(*, quiet: bool = False) -> Path:
    fp = fingerprint()
    target = MODELS / f"{fp}.tar.gz"
    if target.exists():
        return target
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    MODELS.mkdir(exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = cache / f"{fp}.tar.gz"
        if not cached.exists():
            log = sys.stderr
            print(f"Training the Rasa model {fp} (data or config changed)...", file=log, flush=True)
            started = time.monotonic()
            env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
            rasa = Path(sys.executable).with_name("rasa")
            result = subprocess.run(
                [
                    str(rasa),
                    "train",
                    "--config",
                    "config.yml",
                    "--domain",
                    "domain",
                    "--data",
                    "data",
                    "--out",
                    str(cache),
                    "--fixed-model-name",
                    f"{fp}-partial",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL if quiet else sys.stderr,
                stderr=subprocess.STDOUT,
            )
            if result.returncode != 0:
                raise SystemExit(f"rasa train failed with exit code {result.returncode}")
            (cache / f"{fp}-partial.tar.gz").rename(cached)
            print(f"Trained in {time.monotonic() - started:.0f} s.", file=log, flush=True)
        shutil.copyfile(cached, target.with_suffix(".tmp"))
        target.with_suffix(".tmp").rename(target)
    return target


if __name__ == "__main__":
    print(ensure_model(quiet="--quiet" in sys.argv).relative_to(ROOT))
