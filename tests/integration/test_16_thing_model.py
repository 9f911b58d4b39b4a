"""Thing model and the Alink device services with real clients: Alibaba's
Node.js SDK (postProps, postEvent, onProps, onService async and sync/RRPC,
shadow, config, tags), a paho device that never subscribes (as Alibaba's C
SDKs behave), and the seed document's lab over TLS (PROTOCOL.md 3, 5)."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest

from clitools import LineProcess

pytestmark = pytest.mark.thingstead_only("thing model and REST API")

TSL = {
    "schema": "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
    "properties": [
        {"identifier": "temperature", "name": "Temperature", "accessMode": "rw",
         "dataType": {"type": "float", "specs": {"min": "-40", "max": "120", "unit": "°C"}}},
        {"identifier": "mode", "name": "Mode", "accessMode": "rw",
         "dataType": {"type": "enum", "specs": {"0": "auto", "1": "manual"}}},
        {"identifier": "serial", "name": "Serial", "accessMode": "r",
         "dataType": {"type": "text", "specs": {"length": "16"}}},
    ],
    "events": [
        {"identifier": "alarm", "name": "Alarm", "type": "alert",
         "outputData": [{"identifier": "level", "name": "Level",
                         "dataType": {"type": "int", "specs": {"min": "0", "max": "5"}}}]},
    ],
    "services": [
        {"identifier": "reboot", "name": "Reboot", "callType": "async",
         "inputData": [{"identifier": "delay", "name": "Delay",
                        "dataType": {"type": "int", "specs": {"min": "0", "max": "60"}}}],
         "outputData": []},
        {"identifier": "calc", "name": "Calc", "callType": "sync",
         "inputData": [{"identifier": "a", "name": "A", "dataType": {"type": "int", "specs": {}}}],
         "outputData": [{"identifier": "sum", "name": "Sum", "dataType": {"type": "int", "specs": {}}}]},
    ],
}


def _product(api, tsl=TSL, **fields) -> str:
    pk = api.create_product(**fields)["productKey"]
    api.request("PUT", f"/products/{pk}/thing-model", tsl, expect=200)
    return pk


def _latest(api, pk, dn) -> dict:
    items = api.get(f"/products/{pk}/devices/{dn}/properties", expect=200).json["items"]
    return {i["identifier"]: i for i in items}


def _wait_for(fn, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _sdk(platform, pk, dev) -> LineProcess:
    p = LineProcess(["node", "js/thing_device.js", "--url", f"mqtt://127.0.0.1:{platform.port}",
                     "--pk", pk, "--dn", dev["deviceName"], "--secret", dev["deviceSecret"]],
                    interactive=True)
    ev = p.next_event("connected", 10)
    assert ev == {"event": "connected"}
    return p


# --- thing model documents -------------------------------------------------


def test_thing_model_round_trip_and_errors(platform):
    api = platform.api
    pk = _product(api)
    doc = api.get(f"/products/{pk}/thing-model", expect=200).json
    assert doc["profile"]["productKey"] == pk
    props = {p["identifier"]: p for p in doc["properties"]}
    assert props["temperature"]["dataType"] == {
        "type": "float", "specs": {"min": "-40", "max": "120", "unit": "°C"}}
    # Alibaba's export carries the built-ins.
    assert any(e["identifier"] == "post" for e in doc["events"])
    assert {"set", "get"} <= {s["identifier"] for s in doc["services"]}
    # ... and accepts them back unchanged.
    api.request("PUT", f"/products/{pk}/thing-model", doc, expect=200)

    bad = json.loads(json.dumps(TSL))
    bad["properties"][1]["dataType"]["type"] = "colour"
    r = api.request("PUT", f"/products/{pk}/thing-model", bad, expect=400)
    assert r.code == "InvalidThingModel"
    assert r.message.startswith("properties[1].dataType.type"), r.message
    bad = json.loads(json.dumps(TSL))
    bad["properties"][0]["dataType"]["specs"]["min"] = "200"
    r = api.request("PUT", f"/products/{pk}/thing-model", bad, expect=400)
    assert "properties[0].dataType.specs" in r.message, r.message
    r = api.request("PUT", f"/products/{pk}/thing-model", raw=b'{"properties": [', expect=400)
    assert r.code == "InvalidThingModel"
    api.request("PUT", "/products/a1NoSuchProd/thing-model", TSL, expect=404)
    # The failed attempts left the model alone.
    assert api.get(f"/products/{pk}/thing-model", expect=200).json == doc


# --- Alibaba's Node.js SDK -------------------------------------------------


def test_sdk_property_post_validation_and_history(platform, node_modules):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk, "device001")
    dn = dev["deviceName"]
    p = _sdk(platform, pk, dev)
    try:
        p.send({"cmd": "postProps", "params": {"temperature": 21.5, "mode": 1}})
        res = p.next_event("reply", 5, cmd="postProps")["res"]
        assert res["code"] == 200 and res["message"] == "success", res
        latest = _latest(api, pk, dn)
        assert latest["temperature"]["value"] == 21.5 and latest["mode"]["value"] == 1, latest
        assert latest["temperature"]["name"] == "Temperature"

        # Out of range: the documented code, the property named, nothing stored.
        p.send({"cmd": "postProps", "params": {"temperature": 500, "mode": 0}})
        res = p.next_event("reply", 5, cmd="postProps")["res"]
        assert res["code"] == 6307, res
        assert "temperature" in res["message"] and "temperature" in res["data"], res
        # Wrong type.
        p.send({"cmd": "postProps", "params": {"temperature": "hot"}})
        res = p.next_event("reply", 5, cmd="postProps")["res"]
        assert res["code"] == 6307 and "temperature" in res["message"], res
        # Unknown property.
        p.send({"cmd": "postProps", "params": {"humidity": 3}})
        res = p.next_event("reply", 5, cmd="postProps")["res"]
        assert res["code"] == 6304 and "humidity" in res["message"], res

        latest = _latest(api, pk, dn)
        assert latest["temperature"]["value"] == 21.5 and latest["mode"]["value"] == 1, latest
        assert "humidity" not in latest
        hist = api.get(f"/products/{pk}/devices/{dn}/properties/mode/history", expect=200).json
        assert [h["value"] for h in hist["items"]] == [1], hist

        p.send({"cmd": "postProps", "params": {"temperature": {"value": 22.0, "time": 1700000000000}}})
        assert p.next_event("reply", 5, cmd="postProps")["res"]["code"] == 200
        hist = api.get(f"/products/{pk}/devices/{dn}/properties/temperature/history",
                       expect=200).json["items"]
        assert [(h["value"], h["time"]) for h in hist][-1] == (22.0, 1700000000000), hist
        # Newest first; the older sample did not replace the latest value.
        assert hist[0]["value"] == 21.5
        assert _latest(api, pk, dn)["temperature"]["value"] == 21.5
        r = api.get(f"/products/{pk}/devices/{dn}/properties/temperature/history",
                    query={"from": 1700000000000, "to": 1700000000000}, expect=200).json
        assert [h["value"] for h in r["items"]] == [22.0]

        p.send({"cmd": "postEvent", "name": "alarm", "params": {"level": 3}})
        res = p.next_event("reply", 5, cmd="postEvent")["res"]
        assert res["code"] == 200, res
        p.send({"cmd": "postEvent", "name": "alarm", "params": {"level": 9}})
        res = p.next_event("reply", 5, cmd="postEvent")["res"]
        assert res["code"] == 6306 and "level" in res["message"], res
        events = api.get(f"/products/{pk}/devices/{dn}/events", expect=200).json["items"]
        assert [(e["identifier"], e["type"], e["value"]) for e in events] == [
            ("alarm", "alert", {"level": 3})], events
    finally:
        p.stop()


def test_sdk_property_set_and_services(platform, node_modules):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk)
    dn = dev["deviceName"]
    base = f"/products/{pk}/devices/{dn}"
    p = _sdk(platform, pk, dev)
    try:
        r = api.post(f"{base}/properties", {"params": {"temperature": 25.5}}, expect=200).json
        ev = p.next_event("props", 5)
        assert ev["res"]["params"] == {"temperature": 25.5}
        assert ev["res"]["method"] == "thing.service.property.set"
        assert ev["res"]["id"] == r["messageId"]
        call = _wait_for(lambda: [c for c in api.get(f"{base}/calls", expect=200).json["items"]
                                  if c["messageId"] == r["messageId"] and c["status"] == "replied"],
                         what="the set reply to be recorded")[0]
        assert call["identifier"] == "set" and call["replyCode"] == 200

        # Bad sets are refused before anything reaches the device.
        r = api.post(f"{base}/properties", {"params": {"serial": "x"}}, expect=400)
        assert "serial" in r.message and "read-only" in r.message
        r = api.post(f"{base}/properties", {"params": {"temperature": 999}}, expect=400)
        assert "temperature" in r.message

        p.send({"cmd": "serve", "service": "reboot", "reply": {"code": 200, "data": {}}})
        p.next_event("serving", 5)
        r = api.post(f"{base}/services/reboot", {"params": {"delay": 5}}, expect=200).json
        ev = p.next_event("service", 5, service="reboot")
        assert ev["res"]["params"] == {"delay": 5} and ev["res"]["id"] == r["messageId"]
        _wait_for(lambda: [c for c in api.get(f"{base}/calls", expect=200).json["items"]
                           if c["messageId"] == r["messageId"] and c["status"] == "replied"],
                  what="the async service reply")

        p.send({"cmd": "serve", "service": "calc", "type": "sync",
                "reply": {"code": 200, "data": {"sum": 7}}})
        p.next_event("serving", 5)
        r = api.post(f"{base}/services/calc", {"params": {"a": 3}, "timeoutMs": 5000}, expect=200).json
        assert r["code"] == 200 and r["data"] == {"sum": 7}, r
        assert p.next_event("service", 5, service="calc")["res"]["params"] == {"a": 3}

        r = api.post(f"{base}/services/nosuch", {"params": {}}, expect=404)
        assert r.code == "ServiceNotFound"
        r = api.post(f"{base}/services/reboot", {"params": {"delay": 99}}, expect=400)
        assert "delay" in r.message
    finally:
        p.stop()
    # Offline now: a clear error, not a silent drop.
    _wait_for(lambda: api.device(pk, dn)["status"] == "offline", what="offline")
    r = api.post(f"{base}/properties", {"params": {"temperature": 1.0}}, expect=409)
    assert r.code == "DeviceOffline"


def test_sdk_sync_service_timeout(platform, node_modules):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk)
    p = _sdk(platform, pk, dev)  # connected, but does not serve "calc"
    try:
        t0 = time.monotonic()
        r = api.post(f"/products/{pk}/devices/{dev['deviceName']}/services/calc",
                     {"params": {"a": 1}, "timeoutMs": 1000}, expect=504)
        assert r.code == "DeviceTimeout" and time.monotonic() - t0 < 5
    finally:
        p.stop()


def test_sdk_shadow_config_and_tags(platform, node_modules):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk)
    dn = dev["deviceName"]
    base = f"/products/{pk}/devices/{dn}"
    p = _sdk(platform, pk, dev)
    try:
        p.send({"cmd": "postShadow", "reported": {"color": "red"}})
        ev = p.next_event("shadow", 5)
        assert ev["res"]["method"] == "reply" and ev["res"]["payload"]["status"] == "success", ev
        p.send({"cmd": "getShadow"})
        ev = p.next_event("shadow", 5)
        assert ev["res"]["payload"]["state"]["reported"] == {"color": "red"}, ev
        version = ev["res"]["version"]

        shadow = api.request("PUT", f"{base}/shadow", {"state": {"desired": {"color": "green"}}},
                             expect=200).json
        assert shadow["state"] == {"reported": {"color": "red"}, "desired": {"color": "green"}}
        assert shadow["version"] == version + 1 and shadow["delivered"] is True
        ev = p.next_event("shadow", 5)
        assert ev["res"]["method"] == "control", ev
        assert ev["res"]["payload"]["state"]["desired"] == {"color": "green"}
        assert api.get(f"{base}/shadow", expect=200).json["version"] == version + 1
        r = api.request("PUT", f"{base}/shadow", {"state": {"desired": {"a": 1}}, "version": 1},
                        expect=409)
        assert r.code == "VersionConflict"

        p.send({"cmd": "getConfig"})
        res = p.next_event("reply", 5, cmd="getConfig")["res"]
        assert res["code"] == 6710, res
        content = '{"interval": 30}'
        info = api.request("PUT", f"/products/{pk}/config", {"content": content}, expect=200).json
        assert info["sign"] == hashlib.sha256(content.encode()).hexdigest()
        p.send({"cmd": "getConfig"})
        res = p.next_event("reply", 5, cmd="getConfig")["res"]
        assert res["code"] == 200 and res["data"]["configId"] == info["configId"], res
        assert res["data"]["signMethod"] == "Sha256" and res["data"]["configSize"] == len(content)
        url = res["data"]["url"].replace("127.0.0.1:8080", f"127.0.0.1:{platform.http_port}")
        with urllib.request.urlopen(url, timeout=5) as f:  # no token: the id is the credential
            assert f.read().decode() == content
        r = api.post(f"/products/{pk}/config:push", expect=200).json
        assert r["devicesReached"] == 1
        ev = p.next_event("config", 5)
        assert ev["res"]["method"] == "thing.config.push"
        assert ev["res"]["params"]["configId"] == info["configId"]

        p.send({"cmd": "postTags", "tags": [{"attrKey": "vendor", "attrValue": "acme"},
                                            {"attrKey": "floor", "attrValue": "3"}]})
        assert p.next_event("reply", 5, cmd="postTags")["res"]["code"] == 200
        assert api.device(pk, dn)["tags"] == {"vendor": "acme", "floor": "3"}
        p.send({"cmd": "deleteTags", "keys": ["floor"]})
        assert p.next_event("reply", 5, cmd="deleteTags")["res"]["code"] == 200
        assert api.device(pk, dn)["tags"] == {"vendor": "acme"}
        p.send({"cmd": "postTags", "tags": [{"attrKey": "9bad", "attrValue": "x"}]})
        res = p.next_event("reply", 5, cmd="postTags")["res"]
        assert res["code"] == 460 and "attrKey" in res["message"]
    finally:
        p.stop()


# --- a device that never subscribes (Alibaba's C SDKs) ----------------------


def test_system_downlinks_reach_a_device_without_subscriptions(platform, pclients):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk)
    dn = dev["deviceName"]
    d = pclients.device(dev)
    sys = f"/sys/{pk}/{dn}"

    d.publish(f"{sys}/thing/event/property/post", json.dumps(
        {"id": 7, "version": "1.0", "params": {"temperature": {"value": 30.5}}}), qos=1)
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/event/property/post_reply"
    reply = json.loads(m.payload)
    # id echoed as a string, all of code/data/message present.
    assert reply["id"] == "7" and reply["code"] == 200 and reply["data"] == {} and reply["message"]

    d.publish(f"{sys}/thing/event/property/post", json.dumps(
        {"id": "8", "sys": {"ack": 0}, "params": {"temperature": 31.0}}), qos=1)
    d.expect_none(0.5)  # ack=0: no reply
    _wait_for(lambda: _latest(api, pk, dn)["temperature"]["value"] == 31.0, what="the ack=0 post")

    api.post(f"/products/{pk}/devices/{dn}/properties", {"params": {"mode": 0}}, expect=200)
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/service/property/set"
    req = json.loads(m.payload)
    assert set(req) == {"id", "version", "params", "method"} and req["id"].isdigit()

    d.publish(f"/ext/ntp/{pk}/{dn}/request", json.dumps({"deviceSendTime": "1234"}))
    m = d.wait_message(5)
    assert m.topic == f"/ext/ntp/{pk}/{dn}/response"
    ntp = json.loads(m.payload)
    now = time.time() * 1000
    assert ntp["deviceSendTime"] == "1234"
    assert abs(int(ntp["serverRecvTime"]) - now) < 60000
    assert int(ntp["serverSendTime"]) >= int(ntp["serverRecvTime"])

    d.publish(f"{sys}/thing/dsltemplate/get", json.dumps({"id": "9", "params": {}}))
    m = d.wait_message(5)
    tsl = json.loads(m.payload)
    assert tsl["code"] == 200
    assert "temperature" in [p["identifier"] for p in tsl["data"]["properties"]]

    api.request("PUT", f"/products/{pk}/devices/{dn}/desired-properties",
                {"params": {"temperature": 20.0}}, expect=200)
    d.publish(f"{sys}/thing/property/desired/get",
              json.dumps({"id": "10", "params": ["temperature", "mode"]}))
    m = d.wait_message(5)
    assert json.loads(m.payload)["data"] == {"temperature": {"value": 20.0, "version": 1}}

    # Garbage gets an error reply, and the connection stays.
    d.publish(f"{sys}/thing/event/property/post", b"\xff not json", qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] == 460
    d.publish(f"{sys}/thing/event/property/post", b"[" * 10000 + b"]" * 10000, qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] == 460
    big = json.dumps({"id": "11", "params": {"serial": "x" * 1_000_000}})
    d.publish(f"{sys}/thing/event/property/post", big, qos=1)
    res = json.loads(d.wait_message(5).payload)
    assert res["code"] == 6310 and "serial" in res["message"], res
    d.publish(f"{sys}/thing/event/property/post",
              json.dumps({"id": "12", "params": {"temperature": 1e308 * 10}}).replace("Infinity", "1e999"),
              qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] in (460, 6307)
    assert d.c.is_connected()


def test_validation_modes_and_forwarding(platform, pclients):
    api = platform.api
    pk = _product(api, validationMode="lenient")
    dev = api.register(pk)
    dn = dev["deviceName"]
    app = pclients.app()
    app.subscribe(f"/{pk}/+/thing/event/property/post", qos=1)
    d = pclients.device(dev)
    sys = f"/sys/{pk}/{dn}"
    d.publish(f"{sys}/thing/event/property/post",
              json.dumps({"id": "1", "params": {"temperature": 20.5, "mode": 7, "x": 1}}), qos=1)
    res = json.loads(d.wait_message(5).payload)
    assert res["code"] == 200 and set(res["data"]) == {"mode", "x"}, res
    fwd = json.loads(app.wait_message(5).payload)
    assert fwd["productKey"] == pk and fwd["deviceName"] == dn
    assert fwd["items"]["temperature"]["value"] == 20.5
    assert set(fwd["checkFailedData"]) == {"mode", "x"}
    assert set(_latest(api, pk, dn)) == {"temperature"}

    api.request("PATCH", f"/products/{pk}", {"validationMode": "off"}, expect=200)
    d.publish(f"{sys}/thing/event/property/post",
              json.dumps({"id": "2", "params": {"mode": 7, "x": "anything"}}), qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] == 200
    assert {"mode", "x", "temperature"} == set(_latest(api, pk, dn))

    api.request("PATCH", f"/products/{pk}", {"validationMode": "strict"}, expect=200)
    d.publish(f"{sys}/thing/event/property/post",
              json.dumps({"id": "3", "params": {"temperature": 40.0, "mode": 7}}), qos=1)
    res = json.loads(d.wait_message(5).payload)
    assert res["code"] == 6309 and "mode" in res["data"], res
    assert _latest(api, pk, dn)["temperature"]["value"] == 20.5  # nothing of it stored


# --- the seed document's lab -------------------------------------------------


@pytest.mark.tls
def test_seed_lab_over_tls(platform):
    """Step 5 of the lab as written there, with only the host (and the test CA)
    changed: clientId/username/HMAC-SHA256 password, TLS, property post."""
    api = platform.api
    PRODUCT_KEY = _product(api, {"properties": [
        {"identifier": "temperature", "name": "temperature", "accessMode": "rw",
         "dataType": {"type": "float", "specs": {"unit": "°C"}}}]})
    DEVICE_NAME = "device001"
    DEVICE_SECRET = api.register(PRODUCT_KEY, DEVICE_NAME)["deviceSecret"]
    assert api.device(PRODUCT_KEY, DEVICE_NAME)["status"] == "inactive"

    CLIENT_ID = f"{DEVICE_NAME}_demo_{int(time.time())}"
    TIMESTAMP = str(int(time.time() * 1000))
    USERNAME = f"{DEVICE_NAME}&{PRODUCT_KEY}"
    sign_content = f"clientId{CLIENT_ID}deviceName{DEVICE_NAME}productKey{PRODUCT_KEY}timestamp{TIMESTAMP}"
    password = hmac.new(DEVICE_SECRET.encode("utf-8"), sign_content.encode("utf-8"),
                        hashlib.sha256).hexdigest()
    MQTT_CLIENT_ID = f"{CLIENT_ID}|securemode=3,signmethod=hmacsha256,timestamp={TIMESTAMP}|"
    TOPIC_PROP_POST = f"/sys/{PRODUCT_KEY}/{DEVICE_NAME}/thing/event/property/post"

    connected = []
    client = mqtt.Client(client_id=MQTT_CLIENT_ID, clean_session=True)
    client.username_pw_set(USERNAME, password)
    client.tls_set(ca_certs=platform.ca_file, cert_reqs=ssl.CERT_REQUIRED,
                   tls_version=ssl.PROTOCOL_TLS_CLIENT)
    client.tls_insecure_set(False)
    client.on_connect = lambda c, u, f, rc: connected.append(rc)
    client.connect("localhost", platform.tls_port, keepalive=60)
    client.loop_start()
    try:
        _wait_for(lambda: connected, what="CONNACK")
        assert connected == [0]
        payload = {"id": str(int(time.time())), "version": "1.0",
                   "params": {"temperature": 23.5}, "method": "thing.event.property.post"}
        client.publish(TOPIC_PROP_POST, json.dumps(payload), qos=1).wait_for_publish(5)
        assert api.device(PRODUCT_KEY, DEVICE_NAME)["status"] == "online"
        latest = _wait_for(lambda: _latest(api, PRODUCT_KEY, DEVICE_NAME), what="the property")
        assert latest["temperature"]["value"] == 23.5
    finally:
        client.loop_stop()
        client.disconnect()


def test_batch_history_and_raw_posts(platform, pclients):
    api = platform.api
    pk = _product(api)
    dev = api.register(pk)
    dn = dev["deviceName"]
    d = pclients.device(dev)
    sys = f"/sys/{pk}/{dn}"
    base = f"/products/{pk}/devices/{dn}"

    d.publish(f"{sys}/thing/event/property/batch/post", json.dumps({"id": "1", "params": {
        "properties": {"temperature": [{"value": 10.0, "time": 1700000000000},
                                       {"value": 11.0, "time": 1700000001000}]},
        "events": {"alarm": [{"value": {"level": 2}, "time": 1700000000500}]}}}), qos=1)
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/event/property/batch/post_reply"
    assert json.loads(m.payload)["code"] == 200
    hist = api.get(f"{base}/properties/temperature/history", expect=200).json["items"]
    assert [(h["value"], h["time"]) for h in hist] == [(11.0, 1700000001000), (10.0, 1700000000000)]
    _wait_for(lambda: api.get(f"{base}/events", expect=200).json["items"], what="the batch event")

    # One bad sample fails the whole batch in strict mode.
    d.publish(f"{sys}/thing/event/property/batch/post", json.dumps({"id": "2", "params": {
        "properties": {"temperature": [{"value": 12.0, "time": 1700000002000},
                                       {"value": 999, "time": 1700000003000}]}}}), qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] == 6307
    assert len(api.get(f"{base}/properties/temperature/history", expect=200).json["items"]) == 2

    d.publish(f"{sys}/thing/event/property/history/post", json.dumps({"id": "3", "params": [
        {"identity": {"productKey": pk, "deviceName": dn},
         "properties": [{"temperature": {"value": 9.5, "time": 1699999999000}}]}]}), qos=1)
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/event/property/history/post_reply"
    assert json.loads(m.payload)["code"] == 200
    hist = api.get(f"{base}/properties/temperature/history", expect=200).json["items"]
    assert hist[-1]["value"] == 9.5

    agg = api.get(f"{base}/properties/temperature/aggregate",
                  query={"from": 1699999990000, "to": 1700000010000, "interval": 60000},
                  expect=200).json["items"]
    assert sum(b["count"] for b in agg) == 3
    assert min(b["min"] for b in agg) == 9.5 and max(b["max"] for b in agg) == 11.0

    d.publish(f"{sys}/thing/model/up_raw", b"\x01\x02\xff", qos=1)
    raw = _wait_for(lambda: api.get(f"{base}/events", query={"identifier": "up_raw"},
                                    expect=200).json["items"], what="the raw message")
    assert raw[0]["type"] == "raw" and raw[0]["value"]["payload"] == "AQL/"
