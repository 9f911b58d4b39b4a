"""The web console (issue: web console): served by `thingstead serve` at /,
its live feed (GET /api/v1/stream, server-sent events) from the real broker,
and the whole operator flow in Debian's chromium driven by playwright-core
(js/console_e2e.mjs) with a real MQTT.js device.  Screenshots of the main
pages go to $THINGSTEAD_SCREENSHOTS (CMake sets <build>/console-screenshots)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.thingstead_only("web console")

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


def _get(platform, path: str, token: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", platform.http_port, timeout=10)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def test_console_is_served_at_the_root(platform):
    status, headers, body = _get(platform, "/")
    assert status == 200
    html = body.decode()
    assert 'id="app"' in html, "the built console (not the 'not built' page): " + html[:300]
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    scripts = re.findall(r'src="\.?/?(assets/[^"]+\.js)"', html)
    assert scripts, html
    status, headers, body = _get(platform, "/" + scripts[0])
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert "immutable" in headers["cache-control"]
    # Hash pages get the index; API paths stay the API's.
    assert _get(platform, "/devices")[0] == 200
    assert _get(platform, "/api/v1/nothing")[0] == 401
    assert _get(platform, "/api/v1/nothing", platform.admin_token)[0] == 404


class SseReader:
    """GET /api/v1/stream over a plain socket, events parsed as they come."""

    def __init__(self, platform, query: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", platform.http_port, timeout=10)
        self.conn.request("GET", "/api/v1/stream" + query,
                          headers={"Authorization": f"Bearer {platform.admin_token}",
                                   "Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()
        self.buffer = b""

    def next_event(self, timeout: float = 10.0) -> tuple[str, dict]:
        deadline = time.monotonic() + timeout
        while b"\n\n" not in self.buffer:
            assert time.monotonic() < deadline, f"no event within {timeout}s: {self.buffer!r}"
            self.resp.fp.raw._sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = self.resp.read1(65536)
            assert chunk, "the stream ended"
            self.buffer += chunk
        block, self.buffer = self.buffer.split(b"\n\n", 1)
        name, data = "message", []
        for line in block.decode().split("\n"):
            if line.startswith(":"):
                continue
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if not data:
            return self.next_event(max(0.05, deadline - time.monotonic()))
        return name, json.loads("\n".join(data))

    def close(self):
        self.conn.close()


def test_stream_carries_status_and_accepted_posts(platform, pclients):
    api = platform.api
    pk = api.create_product()["productKey"]
    api.request("PUT", f"/products/{pk}/thing-model", {"properties": [{
        "identifier": "temperature", "name": "Temperature", "accessMode": "rw",
        "dataType": {"type": "float", "specs": {"min": "-40", "max": "120"}}}]}, expect=200)
    dev = api.register(pk, "streamed")
    other = api.register(pk, "elsewhere")
    reader = SseReader(platform, f"?productKey={pk}&deviceName=streamed")
    assert reader.resp.status == 200
    assert reader.resp.getheader("Content-Type").startswith("text/event-stream")
    try:
        pclients.device(other)  # another device: not on this stream
        d = pclients.device(dev)
        name, data = reader.next_event()
        assert name == "status" and data["status"] == "online", (name, data)
        assert data["deviceName"] == "streamed" and data["productKey"] == pk
        topic = f"/sys/{pk}/streamed/thing/event/property/post"
        d.publish(topic, json.dumps({"id": "7", "version": "1.0", "params": {"temperature": 21.5},
                                     "method": "thing.event.property.post"}), qos=1)
        name, data = reader.next_event()
        assert name == "properties", (name, data)
        assert data["items"]["temperature"]["value"] == 21.5
        # The overview counts both devices online and the posts among the messages in.
        ov = api.get("/overview", expect=200).json
        assert ov["devices"]["online"] == 2 and ov["devices"]["total"] == 2, ov
        assert ov["messages"]["received"] >= 1 and ov["thing"]["propertyValuesStored"] == 1, ov
        # A value the thing model refuses is a validation event, not a value.
        d.publish(topic, json.dumps({"id": "8", "version": "1.0", "params": {"temperature": 500},
                                     "method": "thing.event.property.post"}), qos=1)
        name, data = reader.next_event()
        assert name == "validation" and "temperature" in data["checkFailedData"], (name, data)
        d.disconnect()
        name, data = reader.next_event()
        assert name == "status" and data["status"] == "offline", (name, data)
    finally:
        reader.close()


def test_console_end_to_end_in_chromium(platform, node_modules, tmp_path):
    assert os.access(CHROMIUM, os.X_OK), "Debian's chromium is needed (scripts/setup.sh installs it)"
    shots = Path(os.environ.get("THINGSTEAD_SCREENSHOTS") or tmp_path / "screenshots")
    env = dict(os.environ,
               URL=f"http://127.0.0.1:{platform.http_port}",
               TOKEN=platform.admin_token,
               MQTT_URL=f"mqtt://127.0.0.1:{platform.port}",
               SHOTS=str(shots),
               CHROMIUM=CHROMIUM)
    r = subprocess.run(["node", "js/console_e2e.mjs"], cwd=HERE, env=env, capture_output=True,
                       text=True, timeout=300)
    events = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    failed = [e for e in events if e["event"] == "failed"]
    assert r.returncode == 0 and not failed, (
        f"{failed or r.stdout[-2000:]}\nstderr: {r.stderr[-2000:]}\n(see {shots}/failure.png)")
    assert events[-1]["event"] == "done"
    steps = [e["step"] for e in events if e["event"] == "step"]
    for expected in ("log in", "create product", "register a device",
                     "device connects and turns online", "a posted value appears without a reload",
                     "set a property; the device receives it", "create a rule and dry-run it",
                     "phone pages fit"):
        assert expected in steps, steps
    for name in ("overview", "device", "devices", "product-thing-model", "rule", "phone-device"):
        png = shots / f"{name}.png"
        assert png.is_file() and png.stat().st_size > 5000, png
