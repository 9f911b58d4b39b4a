"""Fixtures for the Thingstead integration suite.

The `broker` fixture starts a real broker process on free loopback ports with a
temporary data directory and yields a `Broker` handle.  By default the broker
is the `thingstead` binary named by $THINGSTEAD_BIN (falling back to
build/dev/src/app/thingstead).  With THINGSTEAD_TEST_BROKER=mosquitto it starts
/usr/sbin/mosquitto instead with an equivalent generated mosquitto.conf, so each
test can be checked against a mature broker.

Markers understood by the fixture:
  @pytest.mark.broker_config({"mqtt": {...}, "server": {...}})
        extra TOML config for thingstead (translated for mosquitto where an
        equivalent option exists)
  @pytest.mark.tls            also start the TLS listener (see also `tls_broker`)
  @pytest.mark.thingstead_only("why")
        skip when running against mosquitto (behaviour it lacks)
  @pytest.mark.mosquitto_xfail("why")
        expected to fail against mosquitto 2.0.11 (a deviation of that broker)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

HOST = "127.0.0.1"
BROKER_KIND = os.environ.get("THINGSTEAD_TEST_BROKER", "thingstead").strip().lower() or "thingstead"
IS_MOSQUITTO = BROKER_KIND == "mosquitto"
MOSQUITTO_BIN = os.environ.get("MOSQUITTO_BIN", "/usr/sbin/mosquitto")
START_TIMEOUT = 15.0
ADMIN_TOKEN = "ts-test-admin-token-4f1c"  # REST API / application-client token of test brokers
STOP_TIMEOUT = 15.0


def pytest_configure(config):
    config.addinivalue_line("markers", "broker_config(cfg): extra TOML config dict for the broker fixture")
    config.addinivalue_line("markers", "tls: start the broker with a TLS listener")
    config.addinivalue_line("markers", "thingstead_only(reason): skip when THINGSTEAD_TEST_BROKER=mosquitto")
    config.addinivalue_line("markers", "mosquitto_xfail(reason): known mosquitto 2.0.11 deviation; xfail in mosquitto mode")


def pytest_report_header(config):
    if IS_MOSQUITTO:
        return f"broker under test: mosquitto ({MOSQUITTO_BIN})"
    return f"broker under test: thingstead ({_thingstead_bin()})"


def pytest_collection_modifyitems(config, items):
    if not IS_MOSQUITTO:
        return
    for item in items:
        m = item.get_closest_marker("thingstead_only")
        if m is not None:
            reason = m.args[0] if m.args else "thingstead-specific behaviour"
            item.add_marker(pytest.mark.skip(reason=f"mosquitto mode: {reason}"))
        m = item.get_closest_marker("mosquitto_xfail")
        if m is not None:
            item.add_marker(pytest.mark.xfail(reason=f"mosquitto 2.0.11: {m.args[0]}", strict=False))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


# ---------------------------------------------------------------- helpers
_port_rng = __import__("random").Random(os.getpid() ^ int(time.time() * 1000))


def free_port() -> int:
    """A port that is free now, chosen below Linux's ephemeral range
    (32768-60999): a port the kernel handed out for bind(0) could be taken by
    any client connection of a test running alongside before the broker
    binds it; these are only taken by another test's broker, rarely, and
    Broker.start() then retries with new ports."""
    for _ in range(200):
        port = _port_rng.randint(20000, 32000)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _thingstead_bin() -> str:
    return os.environ.get("THINGSTEAD_BIN") or str(REPO / "build/dev/src/app/thingstead")


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def to_toml(cfg: dict) -> str:
    lines = []
    for section, values in cfg.items():
        lines.append(f"[{section}]")
        for k, v in values.items():
            lines.append(f"{k} = {_toml_value(v)}")
        lines.append("")
    return "\n".join(lines)


# thingstead [mqtt] key -> mosquitto.conf key (only where semantics match)
_MOSQUITTO_KEYS = {
    "max_queued_messages": "max_queued_messages",
    "max_inflight": "max_inflight_messages",
    "max_packet_size": "max_packet_size",
    "max_keepalive": "max_keepalive",
    "sys_interval": "sys_interval",
    "persistence": "persistence",
}


class Broker:
    """A running broker process on loopback with free ports."""

    def __init__(self, workdir: Path, config: dict | None = None, tls: tuple[str, str] | None = None,
                 *, anonymous: bool = True, http: bool = False):
        self.kind = BROKER_KIND
        self.anonymous = anonymous  # pass --allow-anonymous
        self.http_port = free_port() if http else 0  # REST API (see the `platform` fixture)
        self.admin_token = ADMIN_TOKEN  # THINGSTEAD_ADMIN_TOKEN of the server process
        self.host = HOST
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config = config or {}
        self.tls_cert, self.tls_key = tls if tls else (None, None)
        self.port = free_port()
        self.ws_port = free_port()
        self.tls_port = free_port() if tls else 0
        self.ws_path = "/mqtt"
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "broker.log"
        self._log_parts: list[str] = []  # logs of earlier runs (before restart)
        self.stopped_on_purpose = False
        self.starts = 0

    # -- process control -------------------------------------------------
    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def ports(self) -> list[int]:
        return [p for p in (self.port, self.ws_port, self.tls_port, self.http_port) if p]

    def _command(self) -> list[str]:
        if self.kind == "mosquitto":
            return [MOSQUITTO_BIN, "-c", str(self._write_mosquitto_conf())]
        binary = _thingstead_bin()
        cfg = {k: dict(v) for k, v in self.config.items()}
        cfg.setdefault("mqtt", {}).setdefault("bind", HOST)  # loopback only
        cfg_file = self.workdir / "thingstead.toml"
        cfg_file.write_text(to_toml(cfg))
        cmd = [binary, "serve", "--config", str(cfg_file), "--data-dir", str(self.data_dir),
               "--mqtt-port", str(self.port), "--ws-port", str(self.ws_port),
               "--tls-port", str(self.tls_port), "--http-port", str(self.http_port)]
        if self.anonymous:
            cmd.append("--allow-anonymous")
        if "log_level" not in self.config.get("server", {}):
            cmd += ["--log-level", "info"]
        if self.tls_cert:
            cmd += ["--tls-cert", self.tls_cert, "--tls-key", self.tls_key]
        return cmd

    def _write_mosquitto_conf(self) -> Path:
        mqtt = self.config.get("mqtt", {})
        lines = [
            "per_listener_settings false",
            "allow_anonymous true",
            "log_dest stderr",
            "log_type all",
            "log_timestamp true",
            "connection_messages true",
            f"persistence {'true' if mqtt.get('persistence', True) else 'false'}",
            f"persistence_location {self.data_dir}/",
            "autosave_interval 0",  # only save on shutdown
            "retain_available true",
            "max_queued_messages 1000",
            "max_inflight_messages 256",
            "max_packet_size 1048576",  # thingstead's default (mosquitto's is 256 MB)
        ]
        if os.geteuid() == 0:
            lines.append("user root")
        for key, value in mqtt.items():
            mk = _MOSQUITTO_KEYS.get(key)
            if mk and mk != "persistence":
                v = _toml_value(value).strip('"')
                lines = [ln for ln in lines if not ln.startswith(mk + " ")]
                lines.append(f"{mk} {v}")
        lines += [f"listener {self.port} {HOST}", "protocol mqtt",
                  f"listener {self.ws_port} {HOST}", "protocol websockets"]
        if self.tls_port:
            lines += [f"listener {self.tls_port} {HOST}", "protocol mqtt",
                      f"certfile {self.tls_cert}", f"keyfile {self.tls_key}"]
        path = self.workdir / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self):
        # A port taken between free_port() and the broker's bind: new ports,
        # but only on a first start (a restart must keep its ports).
        for attempt in range(3):
            try:
                return self._start_once()
            except RuntimeError as e:
                if self.starts > 1 or attempt == 2 or "Address already in use" not in str(e):
                    raise
                self.starts -= 1
                self.port, self.ws_port = free_port(), free_port()
                self.tls_port = free_port() if self.tls_port else 0
                self.http_port = free_port() if self.http_port else 0

    def _start_once(self):
        assert self.proc is None or self.proc.poll() is not None, "broker already running"
        self.stopped_on_purpose = False
        logf = open(self.log_path, "w")
        self.proc = subprocess.Popen(self._command(), stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.workdir,
                                     env=dict(os.environ, THINGSTEAD_ADMIN_TOKEN=self.admin_token))
        logf.close()
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT
        pending = set(self.ports())
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker exited with {self.proc.returncode} during start-up:\n{self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"broker ports {sorted(pending)} not ready after {START_TIMEOUT}s:\n{self.log}")
            pending = {p for p in pending if not self._listening_on(p)}
            if pending:
                time.sleep(0.05)

    def _listening_on(self, port: int) -> bool:
        # An open port may be another test's broker's, which this one then
        # fails to bind and exits over: a thingstead broker's own ports are
        # the ones its log says it listens on.
        if not port_open(port):
            return False
        if self.kind != "thingstead" or "log_level" in self.config.get("server", {}):
            return True
        # This process's log only: after a restart the earlier ones say so too.
        try:
            current = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return False
        return f"ready on {HOST}:{port}" in current

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait; asserts a clean exit (code 0)."""
        assert self.proc is not None
        self.stopped_on_purpose = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"broker did not exit within {timeout}s of SIGTERM\n{self.log}")
        assert rc == 0, f"broker exit code after SIGTERM was {rc}\n{self.log}"
        return rc

    def restart(self):
        self.stop()
        self._log_parts.append(self.log_path.read_text(errors="replace"))
        self.start()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def log(self) -> str:
        try:
            current = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            current = ""
        return "".join(self._log_parts) + current

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ws_port}{self.ws_path}"

    def __repr__(self):
        return f"<{self.kind} broker mqtt={self.port} ws={self.ws_port} tls={self.tls_port} pid={self.proc and self.proc.pid}>"


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def is_mosquitto() -> bool:
    return IS_MOSQUITTO


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """Self-signed cert (CN=localhost, SAN DNS:localhost, IP:127.0.0.1), made once per session."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    os.chmod(key, 0o644)  # mosquitto may drop privileges before reading it
    return str(cert), str(key)


def _make_broker(request, tmp_path, tls_files=None, **broker_kw):
    if not IS_MOSQUITTO:
        binary = _thingstead_bin()
        if not os.access(binary, os.X_OK):
            if os.environ.get("THINGSTEAD_BIN"):
                pytest.fail(f"THINGSTEAD_BIN={binary} is not an executable file")
            pytest.skip(f"thingstead binary not found at {binary} (set THINGSTEAD_BIN)")
    elif not os.access(MOSQUITTO_BIN, os.X_OK):
        pytest.skip(f"{MOSQUITTO_BIN} not installed")
    config: dict = {}
    for m in reversed(list(request.node.iter_markers("broker_config"))):
        for section, values in m.args[0].items():
            config.setdefault(section, {}).update(values)
    b = Broker(tmp_path / "broker", config, tls_files, **broker_kw)
    try:
        b.start()
    except RuntimeError as e:
        pytest.fail(str(e))
    return b


def _finish(request, b: Broker):
    crashed = not b.stopped_on_purpose and not b.alive()
    b.kill()
    failed = any(getattr(request.node, "rep_" + w, None) is not None and getattr(request.node, "rep_" + w).failed
                 for w in ("setup", "call"))
    if failed or crashed:
        print(f"\n===== {b.kind} log ({b.log_path}) =====\n{b.log[-20000:]}\n===== end of broker log =====")
    if crashed:
        pytest.fail(f"broker died during the test (exit code {b.proc.returncode})")


@pytest.fixture
def broker(request, tmp_path):
    tls = request.getfixturevalue("tls_files") if request.node.get_closest_marker("tls") else None
    b = _make_broker(request, tmp_path, tls)
    b.ca_file = tls[0] if tls else None
    yield b
    _finish(request, b)


@pytest.fixture
def tls_broker(request, tmp_path, tls_files):
    b = _make_broker(request, tmp_path, tls_files)
    b.ca_file = tls_files[0]
    yield b
    _finish(request, b)


@pytest.fixture
def clients(broker):
    """Factory for paho clients bound to `broker`; all closed at teardown."""
    from pahoclient import Clients
    cs = Clients(broker)
    yield cs
    cs.close_all()


@pytest.fixture(scope="session")
def node_modules():
    """Path to tests/integration/node_modules, running `npm ci` once if missing."""
    nm = HERE / "node_modules"
    if not (nm / "mqtt").is_dir() or not (nm / "alibabacloud-iot-device-sdk").is_dir():
        npm = shutil.which("npm")
        if not npm:
            pytest.skip("npm not available and node_modules missing")
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            pytest.fail(f"npm ci failed:\n{r.stdout}\n{r.stderr}")
    if not shutil.which("node"):
        pytest.skip("node not available")
    return nm


# ---------------------------------------------------------------- platform: REST API and signed devices
# Used by test_11..test_15.  `platform` is a thingstead broker with the REST API
# on a free port (`platform.http_port`, token `platform.admin_token`) and
# anonymous MQTT OFF; `platform.api` is an `Api` client for it.  The `tls` and
# `broker_config` markers work as for `broker`.  Skipped in mosquitto mode.
import base64 as _base64
import hashlib as _hashlib
import hmac as _hmac
import http.client as _http_client
import json as _json
import urllib.parse as _urlparse


class ApiReply:
    def __init__(self, status: int, headers: dict, raw: bytes):
        self.status, self.headers, self.raw = status, headers, raw
        try:
            self.json = _json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        return self.json.get("code") if isinstance(self.json, dict) else None

    @property
    def message(self) -> str:
        return (self.json.get("message") if isinstance(self.json, dict) else None) or ""

    def __repr__(self):
        return f"<HTTP {self.status} {self.raw[:300]!r}>"


class Api:
    """Minimal REST client (http.client).  Paths not starting with /api, /healthz
    or /metrics get the /api/v1 prefix.  `expect=` asserts the status."""

    def __init__(self, broker, token: str | None = None):
        self.broker = broker
        self.token = broker.admin_token if token is None else token

    def request(self, method: str, path: str, body=None, *, expect: int | None = None,
                token: str | None | bool = True, raw: bytes | None = None,
                content_type: str | None = "application/json", query: dict | None = None,
                timeout: float = 10.0) -> ApiReply:
        if not path.startswith(("/api", "/healthz", "/metrics")):
            path = "/api/v1" + path
        if query:
            path += "?" + _urlparse.urlencode(query)
        headers = {}
        if token is True:
            token = self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (None if body is None else _json.dumps(body).encode())
        if data is not None and content_type:
            headers["Content-Type"] = content_type
        conn = _http_client.HTTPConnection(self.broker.host, self.broker.http_port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            reply = ApiReply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()
        if expect is not None:
            assert reply.status == expect, f"{method} {path} {body!r}: expected HTTP {expect}, got {reply!r}"
        return reply

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- shortcuts that assert success and return the JSON
    def create_product(self, name: str | None = None, **fields) -> dict:
        return self.post("/products", {"name": name or unique_name("prod"), **fields}, expect=201).json

    def register(self, pk: str, dn: str | None = None) -> dict:
        return self.post(f"/products/{pk}/devices", {} if dn is None else {"deviceName": dn}, expect=201).json

    def device(self, pk: str, dn: str) -> dict:
        return self.get(f"/products/{pk}/devices/{dn}", expect=200).json

    def publish(self, topic: str, payload: bytes, qos: int = 0) -> ApiReply:
        return self.post("/messages", {"topic": topic, "payload": _base64.b64encode(payload).decode(),
                                       "qos": qos}, expect=202)


_name_ids = __import__("itertools").count(1)


def unique_name(prefix: str = "d") -> str:
    """4-32 chars of [A-Za-z0-9_]: valid as a device or product name."""
    return f"{prefix}_{os.getpid() % 10000}_{next(_name_ids)}"


_DIGESTS = {"hmacmd5": _hashlib.md5, "hmacsha1": _hashlib.sha1, "hmacsha256": _hashlib.sha256}


def sign_hex(method: str, secret: str, content: str, *, upper: bool = False) -> str:
    h = _hmac.new(secret.encode(), content.encode(), _DIGESTS[method.lower()]).hexdigest()
    return h.upper() if upper else h


def device_login(pk: str, dn: str, secret: str, *, method: str = "hmacsha256", cid: str | None = None,
                 timestamp: str | None = "1700000000000", upper: bool = False,
                 securemode: int = 3) -> tuple[str, str, str]:
    """(clientId, username, password) signed as in PROTOCOL.md 1.2."""
    cid = f"{pk}.{dn}" if cid is None else cid
    params = [f"securemode={securemode}", f"signmethod={method}"]
    content = f"clientId{cid}deviceName{dn}productKey{pk}"
    if timestamp is not None:
        params.append(f"timestamp={timestamp}")
        content += f"timestamp{timestamp}"
    return f"{cid}|{','.join(params)}|", f"{dn}&{pk}", sign_hex(method, secret, content, upper=upper)


@pytest.fixture
def platform(request, tmp_path):
    if IS_MOSQUITTO:
        pytest.skip("mosquitto mode: no device registry or REST API")
    tls = request.getfixturevalue("tls_files") if request.node.get_closest_marker("tls") else None
    b = _make_broker(request, tmp_path, tls, anonymous=False, http=True)
    b.ca_file = tls[0] if tls else None
    b.api = Api(b)
    yield b
    _finish(request, b)


class PlatformClients:
    """paho clients bound to `platform`, closed at teardown: `device(dev)` signs
    in as a registered device (dict with productKey/deviceName/deviceSecret),
    `app()` as an application client with the admin token."""

    def __init__(self, broker):
        from pahoclient import Clients
        self.broker = broker
        self._cs = Clients(broker)

    def new_device(self, dev: dict, *, version=None, method="hmacsha256", upper=False, cid=None, **kw):
        from pahoclient import V311
        cid_full, user, pw = device_login(dev["productKey"], dev["deviceName"], dev["deviceSecret"],
                                          method=method, upper=upper, cid=cid)
        c = self._cs.new(cid_full, version=version or V311, **kw)
        c.c.username_pw_set(user, pw)
        return c

    def device(self, dev: dict, *, connect_kw: dict | None = None, **kw):
        c = self.new_device(dev, **kw)
        c.connect(**(connect_kw or {}))
        return c

    def app(self, name: str = "app", *, token: str | None = None, version=None, connect: bool = True, **kw):
        from pahoclient import V311, unique_id
        c = self._cs.new(unique_id("app"), version=version or V311, **kw)
        c.c.username_pw_set(name, self.broker.admin_token if token is None else token)
        if connect:
            c.connect()
        return c

    def close_all(self):
        self._cs.close_all()


@pytest.fixture
def pclients(platform):
    cs = PlatformClients(platform)
    yield cs
    cs.close_all()
