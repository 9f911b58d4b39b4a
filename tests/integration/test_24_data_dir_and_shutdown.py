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
        # Started is all this test needs to see (a SIGTERM this early could
        # arrive before the server handles signals).
        proc.kill()
        proc.wait(30)


def _mount_tmpfs(path: Path, size: str) -> bool:
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True, text=True)
    return r.returncode == 0


def _fill(directory: Path) -> None:
    """Writes a file until the filesystem has no room left."""
    chunk = b"\0" * 65536
    with open(directory / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
        try:  # the last few bytes too
            while True:
                f.write(b"\0" * 512)
        except OSError:
            pass


def test_shutdown_with_a_full_disk_is_bounded_and_reports_what_was_lost(tmp_path):
    from conftest import Broker
    from pahoclient import Clients

    b = Broker(tmp_path / "broker", {"server": {"shutdown_drain_s": 2}})
    if os.geteuid() != 0 or not _mount_tmpfs(b.data_dir, "8m"):
        pytest.skip("needs root to mount a small tmpfs as the data directory")
    clients = None
    try:
        b.start()
        clients = Clients(b)
        p = clients.connected()
        p.publish("full/warmup", b"x", 1, retain=True)
        _fill(b.data_dir)
        # Retained messages the store has no room for: the writer fails and
        # retries them.
        for i in range(3):
            p.publish(f"full/{i}", os.urandom(600_000), 1, retain=True)
        deadline = time.monotonic() + 60
        while "writing" not in b.log or "failed" not in b.log:
            assert time.monotonic() < deadline, f"the store never failed a write:\n{b.log}"
            time.sleep(0.1)

        b.stopped_on_purpose = True
        b.signal(signal.SIGTERM)
        try:
            rc = b.proc.wait(60)  # a hang guard, far beyond the 2 s drain
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 60 s after SIGTERM with a 2 s drain:\n{b.log[-5000:]}")
        assert rc != 0, f"exit code 0 although writes were lost:\n{b.log[-5000:]}"
        assert "stopped with unsaved data" in b.log, b.log[-5000:]
        assert "broker state records" in b.log
    finally:
        if clients is not None:
            clients.close_all()
        b.kill()
        subprocess.run(["umount", "-l", str(b.data_dir)], capture_output=True)
