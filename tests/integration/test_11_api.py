"""REST management API (/work/shared/API.md, docs/api-errors.md): every core
endpoint's success path and its documented errors, against the real binary."""

from __future__ import annotations

import base64
import http.client
import json
import time

import pytest

from conftest import ADMIN_TOKEN, device_login, unique_name
from pahoclient import V5, V311

pytestmark = pytest.mark.thingstead_only("device registry and REST API")


def _err(reply, status: int, code: str, field: str | None = None):
    """Assert an error reply {code, message}; `field` must be named in the message."""
    assert reply.status == status, f"expected HTTP {status} {code}, got {reply!r}"
    assert isinstance(reply.json, dict), f"error body is not a JSON object: {reply!r}"
    assert reply.code == code, f"expected code {code}, got {reply!r}"
    assert isinstance(reply.json.get("message"), str) and reply.message, f"no message: {reply!r}"
    if field is not None:
        assert field in reply.message, f"message should name {field!r}: {reply!r}"


# ---------------------------------------------------------------- authentication, public endpoints
def test_requests_without_valid_token_get_401(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    for path in ("/products", f"/products/{pk}", f"/products/{pk}/devices", "/products/nosuchpk/devices/x"):
        r = api.get(path, token=None)
        _err(r, 401, "Unauthenticated")
        assert "bearer" in r.headers.get("www-authenticate", "").lower(), r.headers
        _err(api.get(path, token="wrong-" + ADMIN_TOKEN), 401, "Unauthenticated")
    # another scheme carrying the right token is still refused
    conn = http.client.HTTPConnection(platform.host, platform.http_port, timeout=5)
    try:
        conn.request("GET", "/api/v1/products", headers={"Authorization": f"Basic {ADMIN_TOKEN}"})
        resp = conn.getresponse()
        status, body = resp.status, json.loads(resp.read())
    finally:
        conn.close()
    assert status == 401 and body.get("code") == "Unauthenticated", (status, body)
    r = api.post("/products", {"name": "x1"}, token="nope")
    _err(r, 401, "Unauthenticated")
    # nothing was created by the refused POST
    names = [p["name"] for p in api.get("/products", expect=200).json["items"]]
    assert "x1" not in names


def test_healthz_openapi_metrics_are_public(platform):
    api = platform.api
    for path in ("/healthz", "/api/v1/healthz"):
        r = api.get(path, token=None)
        assert r.status == 200, r
    r = api.get("/api/v1/openapi.json", token=None)
    assert r.status == 200, r
    doc = r.json
    assert isinstance(doc, dict) and "paths" in doc, r
    paths = {p[len("/api/v1"):] if p.startswith("/api/v1") else p for p in doc["paths"]}
    for p in ("/products", "/products/{pk}", "/products/{pk}/devices", "/products/{pk}/devices:batch",
              "/products/{pk}/devices/{dn}", "/products/{pk}/devices/{dn}:disable",
              "/products/{pk}/devices/{dn}:enable", "/products/{pk}/devices/{dn}:rotateSecret",
              "/products/{pk}/topic-classes", "/messages"):
        assert p in paths, f"openapi.json lacks {p}: {sorted(paths)}"
    assert "post" in doc["paths"].get("/products", doc["paths"].get("/api/v1/products", {}))

    r = api.get("/metrics", token=None)
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/plain"), r.headers
    text = r.raw.decode()
    assert "# TYPE thingstead_mqtt_connections gauge" in text, text[:500]
    assert ADMIN_TOKEN not in text


def test_metrics_count_connections(platform, pclients):
    def connections():
        for line in platform.api.get("/metrics", token=None).raw.decode().splitlines():
            if line.startswith("thingstead_mqtt_connections "):
                return float(line.split()[1])
        raise AssertionError("no thingstead_mqtt_connections sample")
    def settle_at(n, what):
        deadline = time.monotonic() + 5
        while connections() != n:
            assert time.monotonic() < deadline, f"connections stayed at {connections()}, {what}"
            time.sleep(0.05)

    # A fresh platform has no client; the fixture's port probe may still be
    # closing when the test starts.
    settle_at(0, "expected 0 before any client")
    a = pclients.app()
    pclients.app()
    settle_at(2, "expected 2 with two clients")
    a.disconnect()
    settle_at(1, "expected 1 after one left")


def test_unknown_route_is_404_not_found(platform):
    _err(platform.api.get("/no-such-thing"), 404, "NotFound")


# ---------------------------------------------------------------- products
def test_product_create_read_list_patch_delete(platform):
    api = platform.api
    name = unique_name("lamp")
    r = api.post("/products", {"name": name, "nodeType": "gateway", "dataFormat": "alink",
                               "authType": "secret", "description": "d1"}, expect=201)
    p = r.json
    assert p["name"] == name and p["nodeType"] == "gateway" and p["dataFormat"] == "alink"
    assert p["authType"] == "secret" and p["description"] == "d1"
    pk = p["productKey"]
    assert isinstance(pk, str) and len(pk) >= 6, p
    assert isinstance(p.get("productSecret"), str) and len(p["productSecret"]) >= 16, p
    assert isinstance(p.get("createdTime"), int) and abs(p["createdTime"] - time.time() * 1000) < 60_000, p

    # defaults
    q = api.create_product(unique_name("dflt"))
    assert q["nodeType"] == "device" and q["dataFormat"] == "alink" and q["authType"] == "secret", q

    got = api.get(f"/products/{pk}", expect=200).json
    assert got["productKey"] == pk and got["name"] == name

    listed = api.get("/products", expect=200).json
    assert {pk, q["productKey"]} <= {i["productKey"] for i in listed["items"]}
    assert "nextPageToken" in listed

    new_name = unique_name("renamed")
    r = api.request("PATCH", f"/products/{pk}", {"name": new_name, "description": "d2"}, expect=200)
    assert r.json["name"] == new_name
    got = api.get(f"/products/{pk}", expect=200).json
    assert got["name"] == new_name and got["description"] == "d2" and got["nodeType"] == "gateway"

    r = api.delete(f"/products/{pk}", expect=200)
    assert r.json == {}
    _err(api.get(f"/products/{pk}"), 404, "ProductNotFound")
    _err(api.delete(f"/products/{pk}"), 404, "ProductNotFound")
    _err(api.request("PATCH", f"/products/{pk}", {"name": "zz"}), 404, "ProductNotFound")


def test_product_errors(platform):
    api = platform.api
    _err(api.post("/products", {}), 400, "InvalidArgument", "name")
    _err(api.post("/products", {"name": 5}), 400, "InvalidArgument", "name")
    _err(api.post("/products", {"name": unique_name(), "nodeType": "toaster"}), 400, "InvalidArgument", "nodeType")
    _err(api.post("/products", {"name": unique_name(), "dataFormat": "xml"}), 400, "InvalidArgument", "dataFormat")
    _err(api.post("/products", {"name": unique_name(), "authType": "magic"}), 400, "InvalidArgument", "authType")
    _err(api.post("/products", {"name": unique_name(), "colour": "red"}), 400, "UnknownField", "colour")
    _err(api.post("/products", raw=b'{"name": "abc",'), 400, "MalformedJson")
    _err(api.post("/products", raw=b"name=abc"), 400, "MalformedJson")
    _err(api.post("/products", [1, 2]), 400, "InvalidArgument")
    # nothing was created by any of those
    assert api.get("/products", expect=200).json["items"] == []

    pk = api.create_product()["productKey"]
    _err(api.request("PATCH", f"/products/{pk}", {"nodeType": "gateway"}), 400, "InvalidArgument", "nodeType")
    _err(api.request("PATCH", f"/products/{pk}", {"bogus": 1}), 400, "UnknownField", "bogus")

    api.register(pk, "dev_keep")
    _err(api.delete(f"/products/{pk}"), 409, "ProductHasDevices")
    api.get(f"/products/{pk}", expect=200)
    api.delete(f"/products/{pk}/devices/dev_keep", expect=200)
    api.delete(f"/products/{pk}", expect=200)


def test_duplicate_product_name_conflicts(platform):
    """docs/api-errors.md: 409 ProductAlreadyExists when creating a product whose name is taken."""
    api = platform.api
    name = unique_name("dup")
    api.create_product(name)
    _err(api.post("/products", {"name": name}), 409, "ProductAlreadyExists")
    assert [p["name"] for p in api.get("/products", expect=200).json["items"]] == [name]


# ---------------------------------------------------------------- devices
def test_device_register_read_delete(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    d = api.register(pk, "sensor_01")
    assert d["productKey"] == pk and d["deviceName"] == "sensor_01"
    assert isinstance(d.get("deviceSecret"), str) and len(d["deviceSecret"]) >= 16, d
    assert d["status"] == "inactive", d

    gen = api.register(pk)  # name generated when absent
    assert isinstance(gen["deviceName"], str) and 4 <= len(gen["deviceName"]) <= 32, gen
    assert gen["deviceSecret"] != d["deviceSecret"]

    got = api.device(pk, "sensor_01")
    assert got["deviceName"] == "sensor_01" and got["status"] == "inactive"
    assert got.get("lastOnlineTime") in (None, 0), got
    assert "tags" in got and "firmwareVersion" in got and "ipAddress" in got, got

    assert api.delete(f"/products/{pk}/devices/sensor_01", expect=200).json == {}
    _err(api.get(f"/products/{pk}/devices/sensor_01"), 404, "DeviceNotFound")
    _err(api.delete(f"/products/{pk}/devices/sensor_01"), 404, "DeviceNotFound")
    # a deleted name can be registered again, with a new secret
    again = api.register(pk, "sensor_01")
    assert again["deviceSecret"] != d["deviceSecret"]


def test_device_errors(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    api.register(pk, "dup_name")
    _err(api.post(f"/products/{pk}/devices", {"deviceName": "dup_name"}), 409, "DeviceAlreadyExists")
    for bad in ("ab", "has space", "x" * 33, "slash/name", "amp&name"):
        _err(api.post(f"/products/{pk}/devices", {"deviceName": bad}), 400, "InvalidArgument", "deviceName")
    _err(api.post(f"/products/{pk}/devices", {"deviceName": 42}), 400, "InvalidArgument", "deviceName")
    _err(api.post(f"/products/{pk}/devices", {"deviceName": "okname", "secret": "x"}), 400, "UnknownField", "secret")
    _err(api.post(f"/products/{pk}/devices", raw=b"{deviceName: okname}"), 400, "MalformedJson")
    _err(api.post("/products/nosuchpk1/devices", {"deviceName": "okname"}), 404, "ProductNotFound")
    _err(api.get("/products/nosuchpk1/devices"), 404, "ProductNotFound")
    _err(api.get(f"/products/{pk}/devices/nosuchdev"), 404, "DeviceNotFound")
    _err(api.post(f"/products/{pk}/devices/nosuchdev:disable"), 404, "DeviceNotFound")
    _err(api.post(f"/products/{pk}/devices/nosuchdev:enable"), 404, "DeviceNotFound")
    _err(api.post(f"/products/{pk}/devices/nosuchdev:rotateSecret"), 404, "DeviceNotFound")
    names = [d["deviceName"] for d in api.get(f"/products/{pk}/devices", expect=200).json["items"]]
    assert names == ["dup_name"], names


def test_disable_enable_rotate(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    d = api.register(pk, "dev_state")
    r = api.post(f"/products/{pk}/devices/dev_state:disable", expect=200).json
    assert r["status"] == "disabled", r
    assert api.device(pk, "dev_state")["status"] == "disabled"
    listed = api.get(f"/products/{pk}/devices", query={"status": "disabled"}, expect=200).json["items"]
    assert [x["deviceName"] for x in listed] == ["dev_state"]
    r = api.post(f"/products/{pk}/devices/dev_state:enable", expect=200).json
    assert r["status"] == "inactive", r
    r = api.post(f"/products/{pk}/devices/dev_state:rotateSecret", expect=200).json
    assert isinstance(r.get("deviceSecret"), str) and len(r["deviceSecret"]) >= 16, r
    assert r["deviceSecret"] != d["deviceSecret"]
    _err(api.post(f"/products/{pk}/devices/dev_state:disable", {"why": "x"}), 400, "UnknownField", "why")


def test_batch_register_by_names_and_count(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    names = [f"batch_{i:03d}" for i in range(7)]
    r = api.post(f"/products/{pk}/devices:batch", {"deviceNames": names}, expect=201).json
    items = r["items"]
    assert sorted(i["deviceName"] for i in items) == names
    assert all(len(i["deviceSecret"]) >= 16 for i in items)
    assert len({i["deviceSecret"] for i in items}) == len(items), "secrets must differ"

    r = api.post(f"/products/{pk}/devices:batch", {"count": 5}, expect=201).json
    assert len(r["items"]) == 5
    generated = {i["deviceName"] for i in r["items"]}
    assert len(generated) == 5 and not generated & set(names)

    # a batch with one taken name fails as a whole
    _err(api.post(f"/products/{pk}/devices:batch", {"deviceNames": ["fresh_001", "batch_003"]}),
         409, "DeviceAlreadyExists")
    _err(api.get(f"/products/{pk}/devices/fresh_001"), 404, "DeviceNotFound")
    # both or neither of deviceNames / count
    _err(api.post(f"/products/{pk}/devices:batch", {}), 400, "InvalidArgument")
    _err(api.post(f"/products/{pk}/devices:batch", {"deviceNames": ["aaaa1"], "count": 1}), 400, "InvalidArgument")
    _err(api.post(f"/products/{pk}/devices:batch", {"count": 0}), 400, "InvalidArgument", "count")
    _err(api.post(f"/products/{pk}/devices:batch", {"count": "3"}), 400, "InvalidArgument", "count")
    _err(api.post(f"/products/{pk}/devices:batch", {"deviceNames": ["ok_name1", "b d"]}), 400, "InvalidArgument")
    _err(api.post("/products/nosuchpk1/devices:batch", {"count": 1}), 404, "ProductNotFound")
    total = api.get(f"/products/{pk}/devices", query={"pageSize": 1000}, expect=200).json["items"]
    assert len(total) == 12, [d["deviceName"] for d in total]


def test_pagination_over_120_devices(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    created = api.post(f"/products/{pk}/devices:batch", {"count": 120}, expect=201).json["items"]
    assert len(created) == 120
    seen, sizes, token = [], [], None
    for _ in range(10):
        q = {"pageSize": 50}
        if token:
            q["pageToken"] = token
        page = api.get(f"/products/{pk}/devices", query=q, expect=200).json
        sizes.append(len(page["items"]))
        seen += [d["deviceName"] for d in page["items"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert sizes == [50, 50, 20], sizes
    assert sorted(seen) == sorted(d["deviceName"] for d in created)
    assert len(set(seen)) == 120, "pages overlap"
    # list items never carry secrets
    page = api.get(f"/products/{pk}/devices", query={"pageSize": 5}, expect=200).json
    assert all("deviceSecret" not in d for d in page["items"]), page["items"][0]
    # default page size is 50 (API docs: kDefaultPageSize)
    assert len(api.get(f"/products/{pk}/devices", expect=200).json["items"]) == 50
    for bad in ("0", "-1", "abc"):
        _err(api.get(f"/products/{pk}/devices", query={"pageSize": bad}), 400, "InvalidArgument", "pageSize")
    _err(api.get(f"/products/{pk}/devices", query={"pageToken": "!!not-a-token!!"}), 400, "InvalidArgument")
    _err(api.get(f"/products/{pk}/devices", query={"sort": "name"}), 400, "UnknownField", "sort")


def test_list_filters_name_prefix_and_status(platform, pclients):
    api = platform.api
    pk = api.create_product()["productKey"]
    lamps = [f"lamp_{i}" for i in range(4)]
    pumps = [f"pump_{i}" for i in range(3)]
    devs = {d["deviceName"]: d for d in
            api.post(f"/products/{pk}/devices:batch", {"deviceNames": lamps + pumps}, expect=201).json["items"]}

    def names(**q):
        return sorted(d["deviceName"] for d in api.get(f"/products/{pk}/devices", query=q, expect=200).json["items"])

    assert names(name="lamp_") == lamps
    assert names(name="pump") == pumps
    assert names(name="nothing") == []
    assert names(status="inactive") == sorted(lamps + pumps)
    assert names(status="online") == []

    pclients.device(devs["pump_1"])
    deadline = time.monotonic() + 3
    while names(status="online") != ["pump_1"]:
        assert time.monotonic() < deadline, f"status=online lists {names(status='online')}"
        time.sleep(0.05)
    assert names(status="inactive") == sorted(lamps + ["pump_0", "pump_2"])
    assert names(status="online", name="lamp") == []
    assert names(status="online", name="pump") == ["pump_1"]
    _err(api.get(f"/products/{pk}/devices", query={"status": "sleepy"}), 400, "InvalidArgument", "status")


# ---------------------------------------------------------------- topic classes
def test_topic_classes(platform):
    api = platform.api
    pk = api.create_product()["productKey"]
    items = api.get(f"/products/{pk}/topic-classes", expect=200).json["items"]
    defaults = {i["topic"]: i["permission"] for i in items}
    assert defaults == {f"/{pk}/${{deviceName}}/user/update": "pub",
                        f"/{pk}/${{deviceName}}/user/update/error": "pub",
                        f"/{pk}/${{deviceName}}/user/get": "sub"}, defaults

    topic = f"/{pk}/${{deviceName}}/user/cmd/+"
    r = api.post(f"/products/{pk}/topic-classes", {"topic": topic, "permission": "sub", "description": "cmds"},
                 expect=201).json
    assert r["topic"] == topic and r["permission"] == "sub", r
    _err(api.post(f"/products/{pk}/topic-classes", {"topic": topic, "permission": "sub"}),
         409, "TopicClassAlreadyExists")
    api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/data", "permission": "all"},
             expect=201)
    listed = {i["topic"]: i["permission"] for i in api.get(f"/products/{pk}/topic-classes", expect=200).json["items"]}
    assert listed[topic] == "sub" and listed[f"/{pk}/${{deviceName}}/user/data"] == "all" and len(listed) == 5

    _err(api.post(f"/products/{pk}/topic-classes", {"topic": "/other/${deviceName}/user/x", "permission": "pub"}),
         400, "InvalidArgument", "topic")
    _err(api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/x/#", "permission": "pub"}),
         400, "InvalidArgument", "topic")  # wildcards only in sub classes
    _err(api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/y", "permission": "rw"}),
         400, "InvalidArgument", "permission")
    _err(api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/y"}),
         400, "InvalidArgument", "permission")
    _err(api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/y", "permission": "pub",
                                                    "qos": 1}), 400, "UnknownField", "qos")
    _err(api.get("/products/nosuchpk1/topic-classes"), 404, "ProductNotFound")

    assert api.delete(f"/products/{pk}/topic-classes", query={"topic": topic}, expect=200).json == {}
    _err(api.delete(f"/products/{pk}/topic-classes", query={"topic": topic}), 404, "TopicClassNotFound")
    _err(api.delete(f"/products/{pk}/topic-classes"), 400, "InvalidArgument", "topic")
    listed = {i["topic"] for i in api.get(f"/products/{pk}/topic-classes", expect=200).json["items"]}
    assert topic not in listed and len(listed) == 4


# ---------------------------------------------------------------- messages
@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_post_messages_reaches_app_subscriber(platform, pclients, version):
    api = platform.api
    app = pclients.app(version=version)
    app.subscribe("downlink/#", qos=1)
    payload = bytes(range(256)) + b"binary \x00 ok"
    api.publish("downlink/a/b", payload, qos=1)
    m = app.wait_message(3)
    assert m.topic == "downlink/a/b" and m.payload == payload and m.qos == 1
    api.publish("downlink/q0", b"zero", qos=0)
    m = app.wait_message(3)
    assert m.topic == "downlink/q0" and m.payload == b"zero" and m.qos == 0
    app.expect_none(0.3)


def test_post_messages_errors(platform, pclients):
    api = platform.api
    app = pclients.app()
    app.subscribe("#")
    b64 = base64.b64encode(b"x").decode()
    _err(api.post("/messages", {"payload": b64, "qos": 0}), 400, "InvalidArgument", "topic")
    _err(api.post("/messages", {"topic": "a/+/b", "payload": b64}), 400, "InvalidArgument", "topic")
    _err(api.post("/messages", {"topic": "a/#", "payload": b64}), 400, "InvalidArgument", "topic")
    _err(api.post("/messages", {"topic": "a/b", "payload": "***not base64***"}), 400, "InvalidArgument", "payload")
    _err(api.post("/messages", {"topic": "a/b", "payload": b64, "qos": 3}), 400, "InvalidArgument", "qos")
    _err(api.post("/messages", {"topic": "a/b", "payload": b64, "qos": "1"}), 400, "InvalidArgument", "qos")
    _err(api.post("/messages", {"topic": "a/b", "payload": b64, "ttl": 5}), 400, "UnknownField", "ttl")
    _err(api.post("/messages", raw=b'{"topic": "a/b", "payload": '), 400, "MalformedJson")
    _err(api.post("/messages", {"topic": "a/b", "payload": b64}, token=None), 401, "Unauthenticated")
    r = api.post("/messages", raw=json.dumps({"topic": "a/b", "payload": b64}).encode(), content_type="text/plain")
    _err(r, 415, "UnsupportedMediaType")
    # none of the refused requests published anything
    app.expect_none(0.5)


def test_post_messages_reaches_device_downlink(platform, pclients):
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk, "down_dev")
    c = pclients.device(dev)
    assert c.subscribe(f"/{pk}/down_dev/user/get", qos=1) == [1]
    api.publish(f"/{pk}/down_dev/user/get", b'{"cmd":"on"}', qos=1)
    m = c.wait_message(3)
    assert m.topic == f"/{pk}/down_dev/user/get" and m.payload == b'{"cmd":"on"}'


def test_device_login_helper_matches_protocol_vectors():
    """The signing helper the suite uses reproduces PROTOCOL.md 1.2's test vectors."""
    cid, user, pw = device_login("a1B2c3D4e5", "dev01", "s3cr3tKey", method="hmacsha256",
                                 timestamp="2524608000000", upper=True)
    assert pw == "04F2610A35B376B1C8779AE616496AF02B39CD5478423DBD58E4C2EF08EA15DB"
    assert user == "dev01&a1B2c3D4e5" and cid.startswith("a1B2c3D4e5.dev01|")
    cid, user, pw = device_login("a1B2c3D4e5", "dev01", "s3cr3tKey", method="hmacsha1",
                                 cid="a1B2c3D4e5&dev01", timestamp="1700000000000")
    assert pw == "9d0f364ca723730a5bf5dca4b994a3d8d23d7a89"
