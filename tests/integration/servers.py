"""Real servers the rules tests forward to, started on free ports for one
test module: a PostgreSQL cluster (initdb + pg_ctl from Debian's package,
as the `postgres` user when running as root), a NATS server with JetStream,
and an HTTP receiver that records what it is sent and can be taken down and
brought back on the same port."""

from __future__ import annotations

import glob
import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from conftest import free_port, port_open


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"PostgreSQL's {name} not found: install the postgresql package (scripts/setup.sh)"
    return found[-1]


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ts-pg-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self._run([_pg_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"])
        self._run([_pg_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w",
                   "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                   "start"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, cmd):
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    def sql(self, statement: str) -> list[list[str]]:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", "postgres", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                              "-c", statement], check=True, capture_output=True, text=True,
                             timeout=30).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def stop(self):
        try:
            self._run([_pg_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Nats:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ts-nats-")
        self.port = free_port()
        self.proc = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p", str(self.port),
                                      "-sd", self.dir], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "log"), "w"))
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            assert self.proc.poll() is None, "nats-server exited"
            assert time.monotonic() < deadline, "nats-server did not start"
            time.sleep(0.05)
        self.url = f"nats://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class HttpReceiver:
    """Records every POST body (parsed JSON) with its headers; `status` is what
    it answers. stop()/start() take it down and back on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.bodies: list = []
        self.headers: list[dict] = []
        self.paths: list[str] = []  # request targets (path and query) as received
        self.status = 200
        self.lock = threading.Lock()
        self.conns = set()  # open keep-alive connections, cut by stop()
        self.server = None
        self.start()

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.conns.add(self.connection)

            def finish(self):
                with receiver.lock:
                    receiver.conns.discard(self.connection)
                super().finish()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                with receiver.lock:
                    status = receiver.status
                    if status < 300:
                        receiver.bodies.append(json.loads(raw))
                        receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                        receiver.paths.append(self.path)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        with self.lock:
            for c in list(self.conns):
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def received(self) -> list:
        with self.lock:
            return list(self.bodies)
