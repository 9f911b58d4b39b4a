"""System topics beyond the thing model, with a paho device that never
subscribes (as Alibaba's C SDKs): requests the platform does not implement
get an error reply at once, firmware version reports are kept on the device,
and remote config URLs point at the address the device reached."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request

import pytest

from conftest import _thingstead_bin

pytestmark = pytest.mark.thingstead_only("Alink system topics and the REST API")

METHOD_NOT_SUPPORTED = 6203  # docs/thing-model.md


def _device(platform, pclients):
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk)
    return pk, dev["deviceName"], dev, pclients.device(dev)


def test_unsupported_requests_get_an_error_reply_logged_once(platform, pclients):
    pk, dn, _, d = _device(platform, pclients)
    sys = f"/sys/{pk}/{dn}"

    d.publish(f"{sys}/thing/some/unknown/method",
              json.dumps({"id": "41", "version": "1.0", "params": {}}), qos=1)
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/some/unknown/method_reply"
    r = json.loads(m.payload)
    assert r["id"] == "41" and r["code"] == METHOD_NOT_SUPPORTED, r
    assert r["method"] == "thing.some.unknown.method" and "not supported" in r["message"], r
    assert r["data"] == {}

    # An Alink method the platform lacks (gateway topology here), a numeric
    # id, then the same again: each answered, logged once.
    for i in (42, 43):
        d.publish(f"{sys}/thing/topo/get", json.dumps({"id": i, "params": {}}), qos=1)
        m = d.wait_message(5)
        assert m.topic == f"{sys}/thing/topo/get_reply"
        assert json.loads(m.payload)["id"] == str(i)
        assert json.loads(m.payload)["code"] == METHOD_NOT_SUPPORTED
    d.publish(f"/ext/session/{pk}/{dn}/combine/login", json.dumps({"id": "44", "params": {}}))
    m = d.wait_message(5)
    assert m.topic == f"/ext/session/{pk}/{dn}/combine/login_reply"
    assert json.loads(m.payload)["code"] == METHOD_NOT_SUPPORTED

    # sys.ack = 0: no reply wanted, none sent.
    d.publish(f"{sys}/thing/some/unknown/method", json.dumps({"id": "45", "sys": {"ack": 0}}))
    # The device's answers and pass-through topics get nothing back.
    d.publish(f"{sys}/thing/disable_reply", json.dumps({"id": "1", "code": 200, "data": {}}))
    d.publish(f"{sys}/rrpc/response/123", b"raw answer")
    d.publish(f"/ext/rrpc/123/{sys}/thing/service/reboot", json.dumps({"id": "1", "code": 200}))
    d.publish(f"{sys}/thing/model/down_raw_reply", b"\x01\x02")
    # OTA progress has no reply in the protocol.
    d.publish(f"/ota/device/progress/{pk}/{dn}", json.dumps({"id": "2", "params": {"step": "45"}}))
    d.expect_none(1.0)

    log = platform.log
    assert log.count("method=thing.topo.get") == 1, log[-3000:]
    assert log.count("method=thing.some.unknown.method") == 1, log[-3000:]
    assert f"device={pk}/{dn} sent on ota/device/progress" in log
    assert d.c.is_connected()


def test_firmware_requests_without_an_upgrade_task(platform, pclients):
    pk, dn, _, d = _device(platform, pclients)
    d.publish(f"/sys/{pk}/{dn}/thing/ota/firmware/get",
              json.dumps({"id": "3", "version": "1.0", "params": {"module": "MCU"}}), qos=1)
    m = d.wait_message(5)
    assert m.topic == f"/sys/{pk}/{dn}/thing/ota/firmware/get_reply"
    r = json.loads(m.payload)
    assert r["id"] == "3" and r["code"] == 200 and r["data"] == {}, r

    # Legacy C SDK v3: answered on the request topic itself, without a url.
    d.publish(f"/ota/device/request/{pk}/{dn}", json.dumps({"id": 4, "params": {"version": "1.0"}}))
    m = d.wait_message(5)
    assert m.topic == f"/ota/device/request/{pk}/{dn}"
    r = json.loads(m.payload)
    assert r["id"] == "4" and "url" not in r.get("data", {}), r


def test_firmware_version_reports_are_kept_on_the_device(platform, pclients):
    api = platform.api
    pk, dn, _, d = _device(platform, pclients)
    got = api.device(pk, dn)
    assert got["firmwareVersion"] == "" and got["firmwareVersions"] == {}

    inform = f"/ota/device/inform/{pk}/{dn}"
    d.publish(inform, json.dumps({"id": "0", "params": {"version": "app-1.0.0-20180101.1000"}}), qos=1)
    d.publish(inform, json.dumps({"id": 1, "params": {"version": "2.3.1", "module": "mcu"}}), qos=1)
    d.publish(inform, json.dumps({"id": "2", "params": {"version": "1.0.1"}}), qos=1)
    d.publish(inform, b"not json", qos=1)  # ignored, and the connection stays
    d.expect_none(0.5)  # Alibaba does not reply to a version report

    def versions():
        return api.device(pk, dn)["firmwareVersions"]

    deadline = time.monotonic() + 10  # a hang guard: stored in the background
    while versions() != {"default": "1.0.1", "mcu": "2.3.1"}:
        assert time.monotonic() < deadline, versions()
        time.sleep(0.05)
    assert api.device(pk, dn)["firmwareVersion"] == "1.0.1"
    assert d.c.is_connected()

    # The CLI shows them too.
    out = subprocess.run([_thingstead_bin(), "device", "get", "--product", pk, "--name", dn,
                          "--json"], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ,
                                  THINGSTEAD_SERVER=f"http://{platform.host}:{platform.http_port}",
                                  THINGSTEAD_TOKEN=platform.admin_token))
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["firmwareVersions"] == {"default": "1.0.1", "mcu": "2.3.1"}
    assert shown["firmwareVersion"] == "1.0.1"

    # Kept across a restart; gone with the device.
    platform.restart()
    assert versions() == {"default": "1.0.1", "mcu": "2.3.1"}
    api.delete(f"/products/{pk}/devices/{dn}", expect=200)
    again = api.register(pk, dn)
    assert api.device(pk, again["deviceName"])["firmwareVersions"] == {}


class _Via:
    """The platform as reached on another of its addresses."""

    def __init__(self, platform, host: str):
        self._platform, self.host = platform, host

    def __getattr__(self, name):
        return getattr(self._platform, name)


def _config_url(platform, pclients, host: str) -> tuple[str, str, str]:
    from conftest import PlatformClients
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk)
    dn = dev["deviceName"]
    content = '{"interval": 30}'
    api.request("PUT", f"/products/{pk}/config", {"content": content}, expect=200)
    cs = PlatformClients(_Via(platform, host))
    try:
        d = cs.device(dev)
        d.publish(f"/sys/{pk}/{dn}/thing/config/get",
                  json.dumps({"id": "5", "params": {"configScope": "product", "getType": "file"}}))
        r = json.loads(d.wait_message(5).payload)
        assert r["code"] == 200, r
        return r["data"]["url"], content, pk
    finally:
        cs.close_all()


# Listening on every address, a device that reached the server on 127.0.0.2
# is told to download from 127.0.0.2 (not from 127.0.0.1, which on a real
# device is itself).
@pytest.mark.broker_config({"mqtt": {"bind": "0.0.0.0"}, "server": {"log_level": "info"}})
def test_config_url_is_the_address_the_device_reached(platform, pclients):
    url, content, pk = _config_url(platform, pclients, "127.0.0.2")
    assert url.startswith(f"http://127.0.0.2:{platform.http_port}/api/v1/config-files/{pk}/"), url
    with urllib.request.urlopen(url, timeout=5) as f:
        assert f.read().decode() == content


@pytest.mark.broker_config({"http": {"public_url": "https://iot.example.com:443/"}})
def test_config_url_from_public_url_without_default_port(platform, pclients):
    url, _, pk = _config_url(platform, pclients, platform.host)
    assert url.startswith(f"https://iot.example.com/api/v1/config-files/{pk}/"), url
