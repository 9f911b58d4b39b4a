"""Topic authorisation of devices (PROTOCOL.md 1.9, 3.1, 3.14): a device may
use only its own system topics and its product's custom topic classes with
the class's permission; wildcards that could match other devices' topics are
refused.  SUBSCRIBE refusals: SUBACK 0x80 (3.1.1) / 0x87 (5.0); QoS 1 PUBLISH
refusals: PUBACK 0x87 (5.0), or acked and dropped (3.1.1)."""

from __future__ import annotations

import itertools
import time

import pytest

import mqttraw as raw
from conftest import device_login
from pahoclient import unique_id

pytestmark = pytest.mark.thingstead_only("device registry and topic authorisation")

VERSIONS = [pytest.param(4, id="v311"), pytest.param(5, id="v5")]
_pids = itertools.count(1)


class RawDevice:
    """A device signed in over a raw socket, for exact SUBACK / PUBACK codes."""

    def __init__(self, platform, dev: dict, version: int):
        self.version = version
        self.pk, self.dn = dev["productKey"], dev["deviceName"]
        self.c = raw.RawClient(platform.host, platform.port, version=version)
        cid, user, pw = device_login(self.pk, self.dn, dev["deviceSecret"])
        ack = self.c.connect(cid, username=user, password=pw)
        assert ack.reason == 0, f"{self.dn}: CONNACK {ack.reason:#x}"
        self.received: list[raw.Packet] = []

    @property
    def denied_sub(self) -> int:
        return 0x80 if self.version == 4 else 0x87

    def subscribe(self, *filters: str, qos: int = 1) -> list[int]:
        pid = next(_pids) % 65535 + 1
        self.c.send(raw.subscribe(pid, [(f, qos) for f in filters], version=self.version))
        ack = self._expect(raw.SUBACK)
        assert ack.packet_id == pid
        return list(ack.payload)

    def publish1(self, topic: str, payload: bytes = b"x") -> int:
        """QoS 1 publish; returns the PUBACK reason (0 for the 2-byte form)."""
        pid = next(_pids) % 65535 + 1
        self.c.send(raw.publish(topic, payload, qos=1, packet_id=pid, version=self.version))
        ack = self._expect(raw.PUBACK)
        assert ack.packet_id == pid
        return ack.reason

    def _expect(self, ptype: int, timeout: float = 3.0) -> raw.Packet:
        deadline = time.monotonic() + timeout
        while True:
            p = self.c.read_packet(max(0.01, deadline - time.monotonic()))
            if p.type == ptype:
                return p
            if p.type == raw.PUBLISH:
                self.received.append(p)
                if p.qos == 1:
                    self.c.send(raw.ack(raw.PUBACK, p.packet_id))
                continue
            raise AssertionError(f"{self.dn}: expected packet type {ptype}, got {p!r}")

    def messages(self, settle: float = 0.4) -> list[raw.Packet]:
        """Everything delivered so far plus what arrives within `settle` s."""
        try:
            while True:
                p = self.c.read_packet(settle)
                if p.type == raw.PUBLISH:
                    self.received.append(p)
                    if p.qos == 1:
                        self.c.send(raw.ack(raw.PUBACK, p.packet_id))
        except TimeoutError:
            pass
        out, self.received = self.received, []
        return out

    def close(self):
        self.c.close()


class RawApp(RawDevice):
    """An application client (username app, the admin token) over a raw socket."""

    def __init__(self, platform, version: int):
        self.version = version
        self.pk, self.dn = "-", "app"
        self.c = raw.RawClient(platform.host, platform.port, version=version)
        ack = self.c.connect(unique_id("app"), username="app", password=platform.admin_token)
        assert ack.reason == 0, f"app: CONNACK {ack.reason:#x}"
        self.received = []


@pytest.fixture
def world(platform, pclients):
    """Product P (devices A, B) and product Q (a device with A's name)."""
    api = platform.api
    pk = api.create_product()["productKey"]
    qk = api.create_product()["productKey"]
    a = api.register(pk, "dev_a")
    b = api.register(pk, "dev_b")
    qa = api.register(qk, "dev_a")
    opened = []

    def connect(dev, version):
        d = RawDevice(platform, dev, version)
        opened.append(d)
        return d

    yield api, pk, qk, a, b, qa, connect
    for d in opened:
        d.close()


def _app_watch(pclients, *filters):
    app = pclients.app()
    for f in filters:
        app.subscribe(f, qos=1)
    return app


# ---------------------------------------------------------------- subscribe
@pytest.mark.parametrize("version", VERSIONS)
def test_subscribe_to_own_topics_granted(world, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    own = [f"/sys/{pk}/dev_a/thing/service/property/set",
           f"/sys/{pk}/dev_a/thing/event/property/post_reply",
           f"/sys/{pk}/dev_a/thing/event/+/post_reply",
           f"/sys/{pk}/dev_a/rrpc/request/+",
           f"/{pk}/dev_a/user/get",
           f"/shadow/get/{pk}/dev_a",
           f"/ota/device/upgrade/{pk}/dev_a",
           f"/ext/ntp/{pk}/dev_a/response"]
    for f in own:
        assert A.subscribe(f) == [1], f"own filter {f} not granted"


@pytest.mark.parametrize("version", VERSIONS)
def test_subscribe_to_other_devices_topics_denied(world, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    foreign = [
        f"/sys/{pk}/dev_b/thing/service/property/set",     # same product, other device
        f"/{pk}/dev_b/user/get",
        f"/shadow/get/{pk}/dev_b",
        f"/ota/device/upgrade/{pk}/dev_b",
        f"/ext/ntp/{pk}/dev_b/response",
        f"/sys/{qk}/dev_a/thing/service/property/set",     # other product, same device name
        f"/{qk}/dev_a/user/get",
        # wildcards that could match other devices' topics
        f"/sys/{pk}/+/thing/service/property/set",
        "/sys/+/dev_a/thing/#",
        "/sys/#",
        f"/{pk}/+/user/get",
        f"/{pk}/#",
        f"/shadow/get/{pk}/+",
        "#",
        "+/#",
        # platform-only topics
        "/as/mqtt/status/#",
        f"/as/mqtt/status/{pk}/dev_a",
        "some/app/topic",
    ]
    for f in foreign:
        assert A.subscribe(f) == [A.denied_sub], f"{f} should be refused for dev_a"
    # a mixed SUBSCRIBE: each filter gets its own answer
    assert A.subscribe(f"/{pk}/dev_a/user/get", f"/{pk}/dev_b/user/get") == [1, A.denied_sub]


@pytest.mark.parametrize("version", VERSIONS)
def test_denied_subscription_receives_nothing(world, pclients, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    assert A.subscribe(f"/{pk}/+/user/get") == [A.denied_sub]
    assert A.subscribe(f"/{pk}/dev_b/user/get") == [A.denied_sub]
    app = pclients.app()
    app.publish(f"/{pk}/dev_b/user/get", b"for-b", qos=1)
    app.publish(f"/sys/{pk}/dev_b/thing/service/property/set", b"for-b-sys", qos=1)
    app.publish(f"/{pk}/dev_a/user/get", b"for-a-not-subscribed", qos=1)
    assert A.messages() == [], "dev_a received messages it has no grant for"


# ---------------------------------------------------------------- publish
@pytest.mark.parametrize("version", VERSIONS)
def test_publish_on_other_devices_topics_denied_and_not_delivered(world, pclients, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    B = connect(b, 5)
    QA = connect(qa, 5)
    assert B.subscribe(f"/{pk}/dev_b/user/get", f"/sys/{pk}/dev_b/thing/service/property/set",
                       f"/shadow/get/{pk}/dev_b") == [1, 1, 1]
    assert QA.subscribe(f"/{qk}/dev_a/user/get") == [1]
    app = _app_watch(pclients, "/+/+/user/#", "/sys/#", "/shadow/#", "/ota/#", "/ext/#", "no/#")

    foreign = [
        f"/{pk}/dev_b/user/update",
        f"/{pk}/dev_b/user/get",
        f"/sys/{pk}/dev_b/thing/event/property/post",
        f"/sys/{pk}/dev_b/thing/service/property/set",
        f"/shadow/update/{pk}/dev_b",
        f"/shadow/get/{pk}/dev_b",
        f"/ota/device/inform/{pk}/dev_b",
        f"/{qk}/dev_a/user/update",
        f"/{qk}/dev_a/user/get",
        f"/sys/{qk}/dev_a/thing/event/property/post",
        "no/such/class",
        f"/as/mqtt/status/{pk}/dev_b",
    ]
    want = 0 if version == 4 else 0x87
    for t in foreign:
        rc = A.publish1(t, b"evil")
        assert rc == want, f"PUBACK for {t}: expected {want:#x}, got {rc:#x}"
    # the connection is still usable and own topics still work
    assert A.publish1(f"/{pk}/dev_a/user/update", b"legit") == 0
    got = app.wait_message(3)
    assert (got.topic, got.payload) == (f"/{pk}/dev_a/user/update", b"legit"), (got.topic, got.payload)
    app.expect_none(0.3)
    assert B.messages(0.2) == [], "dev_b received what dev_a published on its topics"
    assert QA.messages(0.2) == [], "the other product's dev_a received what dev_a published"


@pytest.mark.parametrize("version", VERSIONS)
def test_applications_may_not_publish_where_only_the_platform_speaks(world, platform, pclients, version):
    """$SYS (broker statistics), /as/mqtt/status (device status) and
    /{pk}/{dn}/thing/... (forwarded device data) come from the platform only:
    an application's publish there is refused (PUBACK 0x87 in 5.0, acked and
    dropped in 3.1.1), is not delivered and is not retained."""
    api, pk, qk, a, b, qa, connect = world
    reserved = ["$SYS/broker/uptime", "$SYS/x",
                f"/as/mqtt/status/{pk}/dev_a",
                f"/{pk}/dev_a/thing/event/property/post"]
    sentinel = f"/{pk}/dev_a/user/get"
    watcher = _app_watch(pclients, *reserved, sentinel)
    app = RawApp(platform, version)
    want = 0 if version == 4 else 0x87
    for t in reserved:
        app.c.send(raw.publish(t, b"forged", qos=1, retain=True, packet_id=7, version=version))
        ack = app._expect(raw.PUBACK)
        assert ack.reason == want, f"PUBACK for {t}: expected {want:#x}, got {ack.reason:#x}"

    def until_sentinel(client):
        # Messages of one publisher arrive in order: whatever was delivered
        # of the forged ones arrives before the sentinel.
        assert app.publish1(sentinel, b"sentinel") == 0
        seen = []
        while not seen or seen[-1].payload != b"sentinel":
            seen.append(client.wait_message(3))
        return [(m.topic, m.payload) for m in seen if m.payload == b"forged"]

    assert until_sentinel(watcher) == []
    late = _app_watch(pclients, *reserved, sentinel)  # retained ones would come now
    assert until_sentinel(late) == [], "forged messages were retained"
    # elsewhere the application still publishes as before
    assert app.publish1(f"/sys/{pk}/dev_a/thing/service/property/set", b"{}") == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_publish_on_own_topics_delivered(world, pclients, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    app = _app_watch(pclients, "/+/+/user/#")
    system = [f"/sys/{pk}/dev_a/thing/event/property/post",
              f"/shadow/update/{pk}/dev_a",
              f"/ota/device/inform/{pk}/dev_a",
              f"/ext/ntp/{pk}/dev_a/request"]
    for t in system:  # accepted (the platform may consume these itself)
        assert A.publish1(t, b"{}") == 0, t
    custom = [f"/{pk}/dev_a/user/update", f"/{pk}/dev_a/user/update/error"]
    for t in custom:
        assert A.publish1(t, t.encode()) == 0, t
    got = [(m.topic, m.payload) for m in app.wait_messages(2, 3)]
    assert got == [(t, t.encode()) for t in custom], got


# ---------------------------------------------------------------- topic classes
@pytest.mark.parametrize("version", VERSIONS)
def test_default_class_permissions_both_ways(world, pclients, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    deny_pub = 0 if version == 4 else 0x87
    app = _app_watch(pclients, "/+/+/user/#")
    # /user/get is SUB only
    assert A.subscribe(f"/{pk}/dev_a/user/get") == [1]
    assert A.publish1(f"/{pk}/dev_a/user/get", b"up-on-get") == deny_pub
    # /user/update and /user/update/error are PUB only
    assert A.subscribe(f"/{pk}/dev_a/user/update") == [A.denied_sub]
    assert A.subscribe(f"/{pk}/dev_a/user/update/error") == [A.denied_sub]
    # no class at all
    assert A.subscribe(f"/{pk}/dev_a/user/custom") == [A.denied_sub]
    assert A.publish1(f"/{pk}/dev_a/user/custom", b"up-on-custom") == deny_pub
    app.expect_none(0.4)
    # the device's own subscription to /user/get did not receive its refused publish
    assert A.messages(0.1) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_classes_added_through_the_api_take_effect(world, pclients, version):
    api, pk, qk, a, b, qa, connect = world
    A = connect(a, version)
    deny_pub = 0 if version == 4 else 0x87
    app = _app_watch(pclients, "/+/+/user/#")

    assert A.publish1(f"/{pk}/dev_a/user/data", b"before") == deny_pub
    assert A.subscribe(f"/{pk}/dev_a/user/data") == [A.denied_sub]
    app.expect_none(0.3)

    # ALL: both ways, at once, without reconnecting
    api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/data", "permission": "all"},
             expect=201)
    assert A.subscribe(f"/{pk}/dev_a/user/data") == [1]
    assert A.publish1(f"/{pk}/dev_a/user/data", b"after") == 0
    m = app.wait_message(3)
    assert (m.topic, m.payload) == (f"/{pk}/dev_a/user/data", b"after")
    echoed = A.messages(0.5)
    assert [p.payload for p in echoed] == [b"after"], echoed
    # still only for its own device name
    assert A.publish1(f"/{pk}/dev_b/user/data", b"x") == deny_pub
    assert A.subscribe(f"/{pk}/dev_b/user/data") == [A.denied_sub]

    # SUB class with a wildcard: subscribe yes (exact and wildcard), publish no
    api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/cmd/+", "permission": "sub"},
             expect=201)
    assert A.subscribe(f"/{pk}/dev_a/user/cmd/+") == [1]
    assert A.subscribe(f"/{pk}/dev_a/user/cmd/reboot") == [1]
    assert A.subscribe(f"/{pk}/dev_a/user/cmd/#") == [A.denied_sub], "cmd/# is wider than the class cmd/+"
    assert A.publish1(f"/{pk}/dev_a/user/cmd/reboot", b"x") == deny_pub
    assert A.subscribe(f"/{pk}/+/user/cmd/+") == [A.denied_sub]
    api.publish(f"/{pk}/dev_a/user/cmd/reboot", b"now", qos=1)
    got = [(p.topic, p.payload) for p in A.messages(0.5)]
    assert got and all(g == (f"/{pk}/dev_a/user/cmd/reboot", b"now") for g in got), got

    # PUB class: publish yes, subscribe no
    api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/telemetry",
                                               "permission": "pub"}, expect=201)
    assert A.publish1(f"/{pk}/dev_a/user/telemetry", b"t1") == 0
    assert A.subscribe(f"/{pk}/dev_a/user/telemetry") == [A.denied_sub]

    # deleting a class withdraws it for new publishes and subscriptions
    api.delete(f"/products/{pk}/topic-classes", query={"topic": f"/{pk}/${{deviceName}}/user/telemetry"},
               expect=200)
    assert A.publish1(f"/{pk}/dev_a/user/telemetry", b"t2") == deny_pub
    app_topics = [(m.topic, m.payload) for m in app.drain(0.4)]
    assert (f"/{pk}/dev_a/user/telemetry", b"t1") in app_topics, app_topics
    assert (f"/{pk}/dev_a/user/telemetry", b"t2") not in app_topics, app_topics


def test_classes_are_per_product(world):
    api, pk, qk, a, b, qa, connect = world
    api.post(f"/products/{pk}/topic-classes", {"topic": f"/{pk}/${{deviceName}}/user/data", "permission": "all"},
             expect=201)
    QA = connect(qa, 5)
    assert QA.subscribe(f"/{qk}/dev_a/user/data") == [0x87]
    assert QA.publish1(f"/{qk}/dev_a/user/data") == 0x87
    A = connect(a, 5)
    assert A.subscribe(f"/{pk}/dev_a/user/data") == [1]


# ---------------------------------------------------------------- wills
@pytest.mark.parametrize("version", VERSIONS)
def test_a_will_on_a_topic_the_device_may_not_publish_is_refused(platform, world, pclients, version):
    """A will is a later publish: a device may not leave one on another
    device's topic or a platform topic (it would be published without the
    device's rights being checked).  CONNACK 5 (3.1.1) / 0x87 (5.0)."""
    api, pk, qk, a, b, qa, connect = world
    refused = 5 if version == 4 else 0x87
    props = {} if version == 4 else {"properties": b"\x00"}
    for topic in (f"/{pk}/dev_b/user/update", f"/as/mqtt/status/{pk}/dev_b",
                  f"/{pk}/dev_b/thing/event/property/post"):
        c = raw.RawClient(platform.host, platform.port, version=version)
        cid, user, pw = device_login(pk, "dev_a", a["deviceSecret"])
        ack = c.connect(cid, username=user, password=pw, will={"topic": topic, "payload": b"x", **props})
        assert ack.reason == refused, f"will on {topic}: CONNACK {ack.reason:#x}"
        c.close()
    # Its own update topic is fine, and the will is delivered when it drops.
    app = pclients.app()
    app.subscribe(f"/{pk}/dev_a/user/update", qos=1)
    c = raw.RawClient(platform.host, platform.port, version=version)
    cid, user, pw = device_login(pk, "dev_a", a["deviceSecret"])
    ack = c.connect(cid, username=user, password=pw,
                    will={"topic": f"/{pk}/dev_a/user/update", "payload": b"gone", **props})
    assert ack.reason == 0
    c.close()  # no DISCONNECT: the will is published
    m = app.wait_message(timeout=5)
    assert m.payload == b"gone"
