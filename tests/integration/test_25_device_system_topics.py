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
