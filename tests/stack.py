"""A real stack for integration tests and the benchmark: Redis, the action server and Rasa.

Started once per test session (Rasa takes most of a minute to load), on free ports, with
their own Redis key prefix; logs go to a temporary directory and are shown if start-up fails.
If no Redis answers at TEST_REDIS_URL (default redis://127.0.0.1:6379/13), a private
redis-server is started on a free port.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import redis

from bot.config import REPO_ROOT
from bot.supervisor import die_with_parent, rasa_argv, redis_env, stack_env

PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    check, timeout: float, what: str, processes: list[subprocess.Popen] | None = None, interval: float = 0.5
) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes or []:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a process exited with {process.returncode}")
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, redis.RedisError):
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")


def ping(url: str) -> bool:
    with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
        return bool(client.ping())


def model_path() -> str:
    result = subprocess.run([PYTHON, str(REPO_ROOT / "scripts" / "model.py")], cwd=REPO_ROOT, check=True,
                            capture_output=True, text=True)  # fmt: skip
    return str(REPO_ROOT / result.stdout.strip())


class DiagnosticWarning(UserWarning):
    """Something a test saw that is wrong but not what it tests (a slow stop, a deadline that
    fired): shown in the warnings summary of every run, not failing it (pyproject.toml)."""


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen | None = None
    directory: str | None = None

    @classmethod
    def ensure(cls, url: str | None = None) -> RedisServer:
        url = url or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
        try:
            ping(url)
            return cls(url)
        except (redis.RedisError, OSError):
            return cls.start()

    @classmethod
    def start(cls, *, appendonly: bool = False, port: int | None = None, directory: str | None = None) -> RedisServer:
        if shutil.which("redis-server") is None:
            raise RuntimeError("integration tests need Redis: none answers and redis-server is not installed")
        port = port or free_port()
        directory = directory or tempfile.mkdtemp(prefix="mb-redis-")
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if appendonly else "no", "--dir", directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        wait_for(lambda: ping(url), 10, "redis-server", [process])
        return cls(url, process, directory)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


@dataclass
class Stack:
    """Rasa + action server (+ the Redis they use), as the gateway sees them."""

    redis_url: str
    prefix: str
    env: dict[str, str]
    rasa_url: str
    rasa_token: str
    action_url: str
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        redis_url: str,
        *,
        prefix: str | None = None,
        model: str | None = None,
        timeout: float = 300,
        extra_env: dict[str, str] | None = None,
    ) -> Stack:
        model = model or model_path()
        # A prefix of its own per run: keys left by an interrupted run, or a second run at the
        # same time (a developer's and CI's), cannot change what this run sees.
        prefix = prefix or f"mbtest{secrets.token_hex(3)}"
        logs = Path(tempfile.mkdtemp(prefix="mb-stack-logs-"))
        rasa_port, action_port = free_port(), free_port()
        env = stack_env(
            {
                **os.environ,
                "REDIS_URL": redis_url,
                "REDIS_PREFIX": prefix,
                "PSEUDONYM_SECRET": secrets.token_hex(32),
                "RASA_TOKEN": secrets.token_hex(16),
                "ACTION_SERVER_TOKEN": secrets.token_hex(16),
                "RASA_URL": f"http://127.0.0.1:{rasa_port}",
                "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
                "DATA_TTL_DAYS": "1",
                **(extra_env or {}),
            }
        )
        if not redis_env(env):
            raise RuntimeError(f"no Redis at {redis_url}")
        stack = cls(
            redis_url,
            prefix,
            env,
            env["RASA_URL"],
            env["RASA_TOKEN"],
            env["ACTION_SERVER_URL"],
            logs,
        )
        stack.spawn("actions", [PYTHON, "-m", "actions"])
        stack.spawn("rasa", rasa_argv(model, REPO_ROOT / "endpoints.yml", str(rasa_port), env["RASA_TOKEN"]))
        try:
            wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{action_port}/health", timeout=2).status == 200,
                     60, "action server", list(stack.processes.values()))  # fmt: skip
            status = f"{stack.rasa_url}/status?{urlencode({'token': stack.rasa_token})}"
            wait_for(lambda: b"model_file" in urllib.request.urlopen(status, timeout=2).read(), timeout, "rasa",
                     list(stack.processes.values()))  # fmt: skip
        except RuntimeError:
            print(stack.log_tail(), file=sys.stderr)
            stack.stop()
            raise
        return stack

    def spawn(self, name: str, argv: list[str]) -> None:
        with (self.logs / f"{name}.log").open("ab") as out:  # the child keeps its own descriptor
            # die_with_parent: an interrupted test run must not leave servers behind.
            self.processes[name] = subprocess.Popen(argv, cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                                    stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)  # fmt: skip

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name} ---\n" + "\n".join(tail))
        return "\n".join(parts)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()

    def delete_keys(self) -> None:
        with redis.Redis.from_url(self.redis_url) as client:
            keys = list(client.scan_iter(f"{self.prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
