"""node-opcua (an independent OPC UA stack, JavaScript) for the interoperability tests: pinned,
installed with npm into a cache directory on first use, run as a child process with a script
from tests/hardware/node/."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE_OPCUA_VERSION = "2.186.4"
SCRIPTS = Path(__file__).with_name("node")


def cache_dir() -> Path:
    base = os.environ.get("HMI_TEST_CACHE") or Path.home() / ".cache" / "hmi-tests"
    return Path(base) / f"node-opcua-{NODE_OPCUA_VERSION}"


def install() -> Path:
    """The directory whose node_modules holds node-opcua@2.186.4 (npm install on first use)."""
    target = cache_dir()
    if (target / "node_modules" / "node-opcua" / "package.json").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing: `make system-deps` installs Node.js and npm")
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text('{"private": true}\n', encoding="utf-8")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
         f"node-opcua@{NODE_OPCUA_VERSION}"],
        cwd=target, check=True, timeout=600,
    )  # fmt: skip
    return target


@contextmanager
def node_script(script: str, spec: dict, tmp: Path, *, stdin: bool = False
                ) -> Iterator[subprocess.Popen]:  # fmt: skip
    """Run tests/hardware/node/<script> with `spec` (JSON) as its argument; ready when it
    prints a line starting with "ready". `stdin`: the test may write lines to the script."""
    modules = install() / "node_modules"
    env = os.environ | {"NODE_PATH": str(modules), "HOME": str(tmp)}
    proc = subprocess.Popen(
        ["node", str(SCRIPTS / script), json.dumps(spec)],
        stdin=subprocess.PIPE if stdin else None, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp,
    )  # fmt: skip
    try:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("ready"):
                break
        else:
            raise AssertionError(f"{script} did not start: {''.join(lines)[-2000:]}")
        proc.startup_lines = lines  # type: ignore[attr-defined]
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def json_lines(proc: subprocess.Popen) -> queue.Queue:
    """The JSON objects a node script prints after "ready", as they come (a reader thread)."""
    found: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("{"):
                found.put(json.loads(line))

    threading.Thread(target=pump, daemon=True).start()
    return found
