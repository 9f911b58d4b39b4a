"""The data directory belongs to one server, and shutdown ends even when the
disk it writes to is full (docs/limits.md, "Storage and shutdown")."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import HOST, free_port, to_toml, _thingstead_bin
from pahoclient import unique_id

pytestmark = pytest.mark.thingstead_only("data directory lock and bounded shutdown drain")


def _serve_command(workdir: Path, data_dir: Path, config: dict | None = None) -> list[str]:
    cfg = {"mqtt": {"bind": HOST}}
    for section, values in (config or {}).items():
        cfg.setdefault(section, {}).update(values)
    cfg_file = workdir / f"second-{free_port()}.toml"
    cfg_file.write_text(to_toml(cfg))
    return [_thingstead_bin(), "serve", "--config", str(cfg_file), "--data-dir", str(data_dir),
            "--mqtt-port", str(free_port()), "--ws-port", "0", "--tls-port", "0",
            "--http-port", "0", "--allow-anonymous", "--log-level", "info"]


def test_second_server_on_the_same_data_dir_refuses_to_start(broker, clients):
    # The first server is serving and has a retained message to lose.
    p = clients.connected()
    p.publish("lock/a", b"first", 1, retain=True)

    second = subprocess.run(_serve_command(broker.workdir, broker.data_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=60, cwd=broker.workdir)
    assert second.returncode != 0, f"second server started on the same data dir:\n{second.stdout}"
    assert "in use by another thingstead process" in second.stdout, second.stdout
    assert str(broker.data_dir) in second.stdout, second.stdout
    assert f"pid {broker.pid}" in second.stdout, second.stdout

    # The first one is untouched: still serving, its state still there.
    assert broker.alive()
    s = clients.connected()
    s.subscribe("lock/#", 1)
    assert s.wait_message().payload == b"first"
    broker.stop()  # and it exits cleanly


def test_data_dir_is_free_again_after_the_server_stops(broker):
    broker.stop()
    proc = subprocess.Popen(_serve_command(broker.workdir, broker.data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=broker.workdir)
    try:
        deadline = time.monotonic() + 30
        seen = ""
        while "mqtt listener ready" not in seen:
            line = proc.stdout.readline()
            assert line, f"server exited with {proc.wait()}:\n{seen}"
            seen += line
            assert time.monotonic() < deadline, seen
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0

