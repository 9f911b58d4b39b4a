"""Alibaba's own Node.js device SDK (alibabacloud-iot-device-sdk 1.2.8) against
Thingstead with a triple registered through the REST API: sign-in, uplink on
the custom update topic, downlink posted by the API, plain and TLS on the
plain MQTT port (PROTOCOL.md 1.1)."""

from __future__ import annotations

import json

import pytest

from clitools import LineProcess

pytestmark = pytest.mark.thingstead_only("device registry and REST API")


def _run_sdk(platform, pclients, url: str, *, alg: str | None = None, env: dict | None = None):
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk, "sdk_dev_1")
    dn = dev["deviceName"]
    app = pclients.app()
    app.subscribe(f"/{pk}/+/user/update", qos=1)
    status = pclients.app()
    status.subscribe(f"/as/mqtt/status/{pk}/#", qos=1)

    cmd = ["node", "js/alibaba_device.js", "--url", url, "--pk", pk, "--dn", dn,
           "--secret", dev["deviceSecret"]]
    if alg:
        cmd += ["--alg", alg]
    if env:
        cmd = ["env", *[f"{k}={v}" for k, v in env.items()], *cmd]
    p = LineProcess(cmd)
    try:
        ev = p.next_json(10)
        assert ev == {"event": "connected"}, f"SDK did not connect: {ev} stderr={p.read_stderr()}"
        ev = p.next_json(5)
        assert ev == {"event": "subscribed", "granted": [1]}, ev
        ev = p.next_json(5)
        assert ev.get("event") == "ready", ev

        m = app.wait_message(5)
        assert m.topic == f"/{pk}/{dn}/user/update", m.topic
        assert json.loads(m.payload) == {"temperature": 21.5, "dn": dn}

        online = json.loads(status.wait_message(3).payload)
        assert online["status"] == "online" and online["deviceName"] == dn, online
        assert api.device(pk, dn)["status"] == "online"

        api.publish(f"/{pk}/{dn}/user/get", b'{"switch":1}', qos=1)
        ev = p.next_json(5)
        assert ev == {"event": "done", "topic": f"/{pk}/{dn}/user/get", "payload": '{"switch":1}'}, ev
        assert p.wait(5) == 0
        offline = json.loads(status.wait_message(3).payload)
        assert offline["status"] == "offline" and offline["deviceName"] == dn, offline
    finally:
        p.stop()


def test_sdk_plain_tcp(platform, pclients, node_modules):
    _run_sdk(platform, pclients, f"mqtt://{platform.host}:{platform.port}")


def test_sdk_sign_algorithm_sha256_option(platform, pclients, node_modules):
    """The SDK advertises signmethod=hmacsha256 but signs with SHA-1 (PROTOCOL.md 0.2):
    the server must still accept it."""
    _run_sdk(platform, pclients, f"mqtt://{platform.host}:{platform.port}", alg="sha256")


@pytest.mark.tls
def test_sdk_tls_on_the_plain_port(platform, pclients, node_modules):
    """securemode=2: mqtts:// to the plain MQTT port, which sniffs the ClientHello."""
    _run_sdk(platform, pclients, f"mqtts://127.0.0.1:{platform.port}",
             env={"NODE_EXTRA_CA_CERTS": platform.ca_file})


@pytest.mark.tls
def test_sdk_tls_port(platform, pclients, node_modules):
    _run_sdk(platform, pclients, f"mqtts://127.0.0.1:{platform.tls_port}",
             env={"NODE_EXTRA_CA_CERTS": platform.ca_file})


def test_sdk_wrong_secret_does_not_connect(platform, node_modules):
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk, "sdk_dev_2")
    p = LineProcess(["node", "js/alibaba_device.js", "--url", f"mqtt://{platform.host}:{platform.port}",
                     "--pk", pk, "--dn", dev["deviceName"], "--secret", "not-" + dev["deviceSecret"],
                     "--timeout", "5000"])
    try:
        ev = p.next_json(8)
        assert ev.get("event") in ("error", "close"), ev
        if ev["event"] == "error":
            assert "refused" in ev["error"].lower() or "password" in ev["error"].lower(), ev
        assert api.device(pk, dev["deviceName"])["status"] == "inactive"
    finally:
        p.stop()
