"""`make run`: start Rasa, the action server and the gateway, and supervise them together.

- Rasa and the action server run in their own process groups, logging to var/log/; the gateway
  runs in the foreground (the console chat needs the terminal).
- The gateway starts once Rasa has loaded its model.
- A process that dies is reported with its log file, and the others are stopped: nothing keeps
  running half-broken. Ctrl-C stops everything.
- Without a Redis at REDIS_URL everything falls back to in-memory state, with a warning.
- Secrets not given in the environment are created once in var/secrets.env (mode 0600).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

import redis

from bot.config import REPO_ROOT

VAR = REPO_ROOT / "var"
LOGS = VAR / "log"
SECRETS_FILE = VAR / "secrets.env"
GENERATED_SECRETS = ("PSEUDONYM_SECRET", "RASA_TOKEN", "ACTION_SERVER_TOKEN")
DEFAULTS = {
    "REDIS_URL": "redis://localhost:6379/0",
    "REDIS_PREFIX": "mb",
    "RASA_URL": "http://127.0.0.1:5005",
    "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
    "DATA_TTL_DAYS": "30",
}


def say(message: str) -> None:
    print(f"[run] {message}", file=sys.stderr, flush=True)


def load_secrets(env: dict[str, str], path: Path = SECRETS_FILE) -> None:
    """Fill missing secrets from var/secrets.env, creating it (0600) on first use."""
    stored: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                name, value = line.split("=", 1)
                stored[name.strip()] = value.strip()
    changed = False
    for name in GENERATED_SECRETS:
        if env.get(name):
            continue
        if name not in stored:
            stored[name] = secrets.token_hex(32)
            changed = True
        env[name] = stored[name]
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.chmod(0o600)
        lines = ["# Created by `make run`; keep it: a new PSEUDONYM_SECRET orphans all conversations."]
        path.write_text("\n".join(lines + [f"{k}={v}" for k, v in stored.items()]) + "\n")


def redis_env(env: dict[str, str]) -> bool:
    """Set Rasa's RASA_REDIS_* from REDIS_URL; return False if no Redis answers there."""
    url = env["REDIS_URL"]
    parsed = urlparse(url)
    env["RASA_REDIS_HOST"] = parsed.hostname or "localhost"
    env["RASA_REDIS_PORT"] = str(parsed.port or 6379)
    env["RASA_REDIS_DB"] = (parsed.path or "/0").lstrip("/") or "0"
    env["RASA_REDIS_PASSWORD"] = parsed.password or ""
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def memory_endpoints(path: Path) -> Path:
    """Rasa endpoints without Redis (in-memory trackers and locks) for the no-Redis fallback."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("action_endpoint:\n  url: ${ACTION_SERVER_URL}\n  token: ${ACTION_SERVER_TOKEN}\n")
    return path


def stack_env(base: dict[str, str]) -> dict[str, str]:
    """The environment every process of the stack gets (defaults, TTL, telemetry off)."""
    env = dict(base)
    for name, value in DEFAULTS.items():
        env.setdefault(name, value)
    env.setdefault("DATA_TTL_SECONDS", str(int(env["DATA_TTL_DAYS"]) * 86400))
    env["RASA_TELEMETRY_ENABLED"] = "false"  # nothing talks to any host but ours and Telegram
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def rasa_argv(model: str, endpoints: Path, port: str, token: str) -> list[str]:
    """`rasa run` as the stack runs it: REST channel and token-protected API on 127.0.0.1 only."""
    # "-v" pins Rasa to INFO: at DEBUG Rasa logs every user's text, so the gateway's LOG_LEVEL
    # (which Rasa would otherwise read from the environment) must not turn that on.
    rasa = str(Path(sys.executable).with_name("rasa"))
    return [
        rasa, "run", "--model", model, "--endpoints", str(endpoints),
        "--credentials", str(REPO_ROOT / "credentials.yml"),
        "--interface", "127.0.0.1", "--port", port, "--enable-api", "--auth-token", token, "-v",
    ]  # fmt: skip


def die_with_parent() -> None:
    """In the child: get SIGTERM when the supervisor dies, even by SIGKILL (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def port_in_use(url: str) -> bool:
    parsed = urlparse(url)
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((parsed.hostname or "127.0.0.1", parsed.port or 80)) == 0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path | None = None
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: list[Child] = []
        self.stopping = False

    def spawn(self, name: str, argv: list[str], *, foreground: bool = False) -> Child:
        if foreground:
            process = subprocess.Popen(argv, cwd=REPO_ROOT, env=self.env, preexec_fn=die_with_parent)
            child = Child(name, process)
        else:
            LOGS.mkdir(parents=True, exist_ok=True)
            log = LOGS / f"{name}.log"
            with log.open("ab") as out:
                process = subprocess.Popen(
                    argv,
                    cwd=REPO_ROOT,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches only us; we stop them in order
                    preexec_fn=die_with_parent,
                )
            child = Child(name, process, log)
        self.children.append(child)
        return child

    def dead(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop_all(self, timeout: float = 10.0) -> None:
        self.stopping = True
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + timeout
        for child in self.children:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()

    def report(self, child: Child) -> None:
        where = f"; see {child.log.relative_to(REPO_ROOT)}" if child.log else ""
        say(f"{child.name} exited with code {child.process.returncode}{where}. Stopping the others.")
        if child.log and child.log.exists():
            tail = child.log.read_text(errors="replace").splitlines()[-15:]
            for line in tail:
                print(f"    {line}", file=sys.stderr)

    def wait_for_rasa(self, url: str, token: str, timeout: float) -> bool:
        started = time.monotonic()
        status = f"{url}/status?{urlencode({'token': token})}"
        while time.monotonic() - started < timeout:
            child = self.dead()
            if child is not None:
                self.report(child)
                return False
            try:
                with urllib.request.urlopen(status, timeout=2) as response:
                    if b'"model_file"' in response.read():
                        say(f"Rasa is ready ({time.monotonic() - started:.0f} s).")
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1)
        say(f"Rasa did not load its model within {timeout:.0f} s; see var/log/rasa.log.")
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the whole stack (make run).")
    parser.add_argument("--model", required=True, help="path of the trained Rasa model")
    parser.add_argument("--ready-timeout", type=float, default=300)
    args = parser.parse_args(argv)

    env = stack_env(dict(os.environ))
    load_secrets(env)

    endpoints = REPO_ROOT / "endpoints.yml"
    if not redis_env(env):
        say(
            "WARNING: no Redis answers at REDIS_URL. Running with IN-MEMORY state: conversations are "
            "lost on restart. Start redis-server (or set REDIS_URL) for real use."
        )
        env["ALLOW_MEMORY_STATE"] = "1"
        endpoints = memory_endpoints(VAR / "endpoints.memory.yml")

    rasa_url = env["RASA_URL"].rstrip("/")
    rasa_port = str(urlparse(rasa_url).port or 5005)
    python = sys.executable
    supervisor = Supervisor(env)

    def on_signal(signum: int, _frame: object) -> None:
        if not supervisor.stopping:
            say("stopping...")
            supervisor.stop_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    for name, url in (("Rasa", rasa_url), ("the action server", env["ACTION_SERVER_URL"])):
        if port_in_use(url):
            say(f"the port of {name} ({url}) is already in use: is another `make run` still running?")
            return 1
    mode = "Telegram (long polling)" if env.get("TELEGRAM_BOT_TOKEN") else "console chat"
    say(f"starting the action server, Rasa and then the gateway ({mode}); logs in var/log/")
    try:
        return supervise(supervisor, python, args, endpoints, rasa_url, rasa_port)
    finally:
        # Whatever happened (a crash, a closed terminal), never leave Rasa running behind.
        if not supervisor.stopping:
            supervisor.stop_all()


def supervise(
    supervisor: Supervisor,
    python: str,
    args: argparse.Namespace,
    endpoints: Path,
    rasa_url: str,
    rasa_port: str,
) -> int:
    env = supervisor.env
    supervisor.spawn("actions", [python, "-m", "actions"])
    supervisor.spawn("rasa", rasa_argv(args.model, endpoints, rasa_port, env["RASA_TOKEN"]))
    say("waiting for Rasa to load its model (usually 10-30 s)...")
    if not supervisor.wait_for_rasa(rasa_url, env["RASA_TOKEN"], args.ready_timeout):
        return 1
    gateway = supervisor.spawn("gateway", [python, "-m", "bot"], foreground=True)
    while True:
        child = supervisor.dead()
        if child is not None:
            if child is gateway and child.process.returncode == 0:
                return 0
            supervisor.report(child)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
