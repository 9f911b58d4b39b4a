"""Helpers to drive external client processes (mosquitto_pub/sub, node scripts)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class LineProcess:
    """A subprocess whose stdout lines are collected by a thread."""

    def __init__(self, cmd: list[str], cwd=HERE, *, interactive: bool = False):
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.PIPE if interactive else subprocess.DEVNULL,
                                     text=True, bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        self.stderr = ""
        self._t = threading.Thread(target=self._pump, daemon=True)
        self._t.start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 10.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output from {self.cmd} within {timeout}s; "
                                 f"alive={self.proc.poll() is None} stderr={self.read_stderr()}") from None

    def next_json(self, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            try:
                return json.loads(line)
            except ValueError:
                continue  # ignore non-JSON noise

    def send(self, obj: dict):
        """One JSON command line to an interactive process."""
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def next_event(self, event: str, timeout: float = 10.0, **match) -> dict:
        """The next line whose "event" is `event` (and whose keys equal `match`);
        other lines are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            ev = self.next_json(max(0.01, deadline - time.monotonic()))
            if ev.get("event") == event and all(ev.get(k) == v for k, v in match.items()):
                return ev

    def read_stderr(self) -> str:
        if self.proc.poll() is not None and self.proc.stderr:
            self.stderr = self.proc.stderr.read()
        return self.stderr

    def wait(self, timeout: float = 10.0) -> int:
        return self.proc.wait(timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run(cmd: list[str], timeout: float = 15.0) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=HERE)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}\nstdout={r.stdout}\nstderr={r.stderr}"
    return r
