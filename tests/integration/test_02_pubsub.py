"""Publish/subscribe: QoS 0/1/2 with paho, mosquitto_pub/sub and MQTT.js over
TCP, TLS and WebSocket; wildcards; $-topics; overlapping subscriptions; ordering."""

import contextlib
import shutil
import time

import pytest

import mqttraw as raw
from clitools import LineProcess, run
from pahoclient import V5, V311, unique_id

VERSIONS = pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])


# ------------------------------------------------------------------ paho
def _qos_matrix(clients, version, **client_kw):
    subs = {}
    for sq in (0, 1, 2):
        s = clients.connected(version=version, **client_kw)
        s.subscribe("t/qos/#", sq)
        subs[sq] = s
    pub = clients.connected(version=version, **client_kw)
    for pq in (0, 1, 2):
        pub.publish(f"t/qos/p{pq}", f"m{pq}".encode(), pq)
    for sq, s in subs.items():
        got = sorted((m.topic, m.payload, m.qos) for m in s.wait_messages(3))
        want = sorted((f"t/qos/p{pq}", f"m{pq}".encode(), min(pq, sq)) for pq in (0, 1, 2))
        assert got == want, f"subscriber qos {sq}"
        s.expect_none(0.2)


@VERSIONS
def test_paho_qos_matrix_tcp(broker, clients, version):
    _qos_matrix(clients, version)


@VERSIONS
def test_paho_qos_matrix_websocket(broker, clients, version):
    _qos_matrix(clients, version, transport="websockets")


@pytest.mark.tls
@VERSIONS
def test_paho_qos_matrix_tls(broker, clients, version):
    _qos_matrix(clients, version, tls=True)


@pytest.mark.tls
def test_cross_transport_delivery(broker, clients):
    """A message published over one transport reaches subscribers on all three."""
    tcp = clients.connected(version=V5)
    ws = clients.connected(transport="websockets")
    tls = clients.connected(version=V5, tls=True)
    for c in (tcp, ws, tls):
        c.subscribe("t/x/+", 1)
    for i, c in enumerate((tcp, ws, tls)):
        c.publish(f"t/x/{i}", f"from{i}".encode(), 1)
    for c in (tcp, ws, tls):
        got = sorted(m.payload for m in c.wait_messages(3))
        assert got == [b"from0", b"from1", b"from2"]


def test_qos2_exactly_once(broker, clients):
    s = clients.connected(version=V5)
    s.subscribe("t/q2", 2)
    p = clients.connected()
    infos = [p.publish("t/q2", str(i).encode(), 2, wait=False) for i in range(100)]
    for info in infos:
        info.wait_for_publish(10)
    got = [int(m.payload) for m in s.wait_messages(100, 15)]
    assert sorted(got) == list(range(100))
    s.expect_none(0.3)


def test_ordering_qos1_1000(broker, clients):
    s = clients.connected()
    s.subscribe("t/order", 1)
    p = clients.connected(version=V5)
    infos = [p.publish("t/order", str(i).encode(), 1, wait=False) for i in range(1000)]
    infos[-1].wait_for_publish(30)
    got = [int(m.payload) for m in s.wait_messages(1000, 30)]
    assert got == list(range(1000)), "QoS 1 messages from one publisher must arrive in order"


def test_bursts_after_quiet_periods_arrive_whole(broker, clients):
    """The broker sizes its reads by traffic (small while a client is quiet,
    growing with bursts): a quiet client's burst of many packets in one write,
    a payload far larger than any read, and single packets after pauses must
    all arrive intact and in order."""
    s = clients.connected()
    s.subscribe("t/burst", 1)
    sizes = [1, 70, 3000, 200_000, 5] + [64] * 2000 + [1500] * 50
    payloads = [bytes([i % 251]) * n for i, n in enumerate(sizes)]
    with raw.RawClient(broker.host, broker.port) as r:
        r.connect(unique_id("burst"))
        time.sleep(0.3)  # quiet: the next read is a small one
        r.send(b"".join(raw.publish("t/burst", pl, qos=1, packet_id=i % 65000 + 1)
                        for i, pl in enumerate(payloads)))
        for _ in payloads:
            r.expect(raw.PUBACK, 20)
        for tail in (b"after-pause-1", b"x" * 10_000, b"after-pause-2"):
            time.sleep(0.2)
            r.send(raw.publish("t/burst", tail, qos=1, packet_id=1))
            r.expect(raw.PUBACK)
            payloads.append(tail)
    got = [m.payload for m in s.wait_messages(len(payloads), 30)]
    assert [len(g) for g in got] == [len(p) for p in payloads]
    assert got == payloads


def test_partial_packets_of_many_clients_interleaved_arrive_whole(broker, clients):
    """A TCP connection with nothing partial reads into a buffer its event
    loop shares with its other connections, keeping only a partial packet of
    its own. Packets cut at every point (inside the fixed header, the topic,
    the payload), their halves interleaved with whole packets of other
    clients on the same loops, must each arrive whole, in order."""
    s = clients.connected()
    s.subscribe("t/split/#", 1)
    n = 12
    payloads = {i: [bytes([i * 16 + k]) * (5 + 97 * k + i) for k in range(6)] for i in range(n)}
    with contextlib.ExitStack() as stack:
        rs = [stack.enter_context(raw.RawClient(broker.host, broker.port)) for _ in range(n)]
        for i, r in enumerate(rs):
            r.connect(unique_id(f"split{i}"))
        for k in range(6):
            packets = [raw.publish(f"t/split/{i}", payloads[i][k], qos=1, packet_id=k + 1)
                       for i in range(n)]
            cuts = [1 + (i * 7 + k * 13) % (len(p) - 1) for i, p in enumerate(packets)]
            for r, p, cut in zip(rs, packets, cuts):
                r.send(p[:cut])  # every client leaves a partial packet
            time.sleep(0.05)
            for i in range(0, n, 2):  # half of them finish and send a whole one after it
                rs[i].send(packets[i][cuts[i]:] + raw.publish(
                    f"t/split/{i}", b"whole", qos=1, packet_id=100 + k))
            time.sleep(0.05)
            for i in range(1, n, 2):
                rs[i].send(packets[i][cuts[i]:])
            for i, r in enumerate(rs):
                for _ in range(2 if i % 2 == 0 else 1):
                    r.expect(raw.PUBACK)
    total = sum(len(v) for v in payloads.values()) + (n // 2) * 6
    got = s.wait_messages(total, 20)
    by_topic = {}
    for m in got:
        by_topic.setdefault(m.topic, []).append(m.payload)
    for i in range(n):
        expected = []
        for k in range(6):
            expected.append(payloads[i][k])
            if i % 2 == 0:
                expected.append(b"whole")
        assert by_topic.get(f"t/split/{i}") == expected, f"client {i}"


def test_connections_quiet_for_ticks_deliver_again(broker, clients):
    """A connection that wrote nothing for a while gives its output buffers
    back; what it is sent afterwards (to the subscriber, and the publisher's
    acknowledgements) must still arrive whole and in order."""
    s = clients.connected()
    s.subscribe("t/quiet", 1)
    expected = []
    with raw.RawClient(broker.host, broker.port) as r:
        r.connect(unique_id("quiet"))
        for round_ in range(3):
            time.sleep(0.8)  # more than two of the broker's 250 ms ticks
            batch = [bytes([round_ * 7 + i]) * n for i, n in enumerate([1, 600, 64, 5000])]
            r.send(b"".join(raw.publish("t/quiet", pl, qos=1, packet_id=i + 1)
                            for i, pl in enumerate(batch)))
            for _ in batch:
                r.expect(raw.PUBACK)
            expected += batch
    got = [m.payload for m in s.wait_messages(len(expected), 10)]
    assert got == expected


# ------------------------------------------------------------------ wildcards
@VERSIONS
def test_wildcards(broker, clients, version):
    s_plus = clients.connected(version=version)
    s_plus.subscribe("w/+/temp", 0)
    s_hash = clients.connected(version=version)
    s_hash.subscribe("w/#", 0)
    s_mid = clients.connected(version=version)
    s_mid.subscribe("w/+/+/x", 0)
    p = clients.connected(version=version)
    topics = ["w", "w/a/temp", "w/b/temp", "w/a/hum", "w/a/b/x", "w/a/temp/x", "other/a/temp", "w//temp"]
    for t in topics:
        p.publish(t, t.encode(), 1)
    # `#` also matches the parent level ("w")
    assert sorted(m.topic for m in s_hash.wait_messages(len(topics) - 1)) == sorted(t for t in topics if t.startswith("w"))
    assert sorted(m.topic for m in s_plus.wait_messages(3)) == ["w//temp", "w/a/temp", "w/b/temp"]
    assert sorted(m.topic for m in s_mid.wait_messages(2)) == ["w/a/b/x", "w/a/temp/x"]
    for s in (s_plus, s_hash, s_mid):
        s.expect_none(0.3)


def test_dollar_topics_not_matched_by_leading_wildcards(broker, clients):
    s_hash = clients.connected()
    s_hash.subscribe("#", 0)
    s_plus = clients.connected()
    s_plus.subscribe("+/x", 0)
    s_plus.subscribe("+/+", 0)
    s_dollar = clients.connected()
    s_dollar.subscribe("$app/#", 0)
    p = clients.connected()
    p.publish("$app/x", b"dollar", 1)
    p.publish("norm/x", b"normal", 1)
    assert s_dollar.wait_message().payload == b"dollar"
    assert [m.topic for m in s_hash.wait_messages(1)] == ["norm/x"]
    plus = [m.topic for m in s_plus.drain(0.5)]
    assert plus and set(plus) == {"norm/x"}, plus
    s_hash.drain(0.3)
    # also no $SYS leaking into "#" in the meantime
    assert all(not m.topic.startswith("$") for m in s_hash.drain(0.2))


@pytest.mark.parametrize("version", [
    pytest.param(V311, marks=pytest.mark.mosquitto_xfail(
        "3.1.1 overlapping subscriptions: delivers one copy at the QoS of one subscription, not the maximum")),
    V5], ids=["v311", "v5"])
def test_overlapping_subscriptions(broker, clients, version):
    s = clients.connected(version=version)
    s.subscribe("ov/#", 1)
    s.subscribe("ov/+", 0)
    p = clients.connected()
    p.publish("ov/a", b"x", 1)
    got = s.drain(0.7)
    # delivered once (at the maximum QoS) or once per matching subscription
    assert 1 <= len(got) <= 2, [(m.topic, m.qos) for m in got]
    assert max(m.qos for m in got) == 1
    assert all(m.payload == b"x" for m in got)


# ------------------------------------------------------------------ mosquitto_pub / mosquitto_sub
def _cli_args(broker, tls=False):
    if tls:
        return ["-h", broker.host, "-p", str(broker.tls_port), "--cafile", broker.ca_file]
    return ["-h", broker.host, "-p", str(broker.port)]


def _mosquitto_sub_ready(clients, sub: LineProcess, probe_topic: str):
    """Publish probes until mosquitto_sub prints one, so its subscription is live."""
    p = clients.connected()
    deadline = time.monotonic() + 10
    while True:
        p.publish(probe_topic, b"probe", 0)
        try:
            line = sub.next_line(0.2)
        except AssertionError:
            assert time.monotonic() < deadline, f"mosquitto_sub never became ready: {sub.read_stderr()}"
            continue
        assert line.startswith(probe_topic), line
        break
    time.sleep(0.2)  # let probes still in flight arrive, then drop them
    while not sub.lines.empty():
        sub.lines.get()


needs_cli = pytest.mark.skipif(not shutil.which("mosquitto_pub"), reason="mosquitto clients not installed")


@needs_cli
@pytest.mark.tls
@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
@pytest.mark.parametrize("proto", ["mqttv311", "mqttv5"])
def test_mosquitto_pub_to_paho(broker, clients, proto, tls):
    s = clients.connected(version=V5)
    s.subscribe("cli/in/#", 2)
    for q in (0, 1, 2):
        run(["mosquitto_pub", *_cli_args(broker, tls), "-V", proto, "-q", str(q),
             "-i", unique_id("mpub"), "-t", f"cli/in/{q}", "-m", f"hello-{q}"])
    got = sorted((m.topic, m.payload, m.qos) for m in s.wait_messages(3))
    assert got == [(f"cli/in/{q}", f"hello-{q}".encode(), q) for q in (0, 1, 2)]


@needs_cli
@pytest.mark.tls
@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
@pytest.mark.parametrize("proto", ["mqttv311", "mqttv5"])
@pytest.mark.parametrize("qos", [0, 1, 2])
def test_paho_to_mosquitto_sub(broker, clients, proto, qos, tls):
    topic = f"cli/out/{proto}/{qos}"
    sub = LineProcess(["mosquitto_sub", *_cli_args(broker, tls), "-V", proto, "-q", str(qos),
                       "-i", unique_id("msub"), "-t", topic, "-t", "cli/probe", "-F", "%t %q %p"])
    try:
        _mosquitto_sub_ready(clients, sub, "cli/probe")
        p = clients.connected(version=V5 if proto == "mqttv5" else V311)
        for i in range(5):
            p.publish(topic, f"m{i}".encode(), 2)
        lines = [sub.next_line(5) for _ in range(5)]
        assert lines == [f"{topic} {qos} m{i}" for i in range(5)]
    finally:
        sub.stop()


# ------------------------------------------------------------------ MQTT.js
def _node(node_modules, *args):
    return LineProcess(["node", "js/client.js", *[str(a) for a in args]])


MQTTJS_CASES = [
    ("tcp", 4, 0), ("tcp", 4, 1), ("tcp", 4, 2), ("tcp", 5, 1), ("tcp", 5, 2),
    ("tls", 4, 1), ("tls", 5, 2), ("ws", 4, 1), ("ws", 5, 2), ("ws", 5, 0),
]


@pytest.mark.tls
@pytest.mark.parametrize("transport,version,qos", MQTTJS_CASES,
                         ids=[f"{t}-v{v}-q{q}" for t, v, q in MQTTJS_CASES])
def test_mqttjs(broker, clients, node_modules, transport, version, qos):
    if transport == "tcp":
        url, extra = f"mqtt://{broker.host}:{broker.port}", []
    elif transport == "tls":
        url, extra = f"mqtts://{broker.host}:{broker.tls_port}", ["--ca", broker.ca_file]
    else:
        url, extra = broker.ws_url, []
    topic = f"js/{transport}/{version}/{qos}"
    paho_v = V5 if version == 5 else V311

    # 1. MQTT.js -> MQTT.js through the broker
    rt = _node(node_modules, "--url", url, "--version", version, "--mode", "roundtrip",
               "--topic", topic + "/rt", "--qos", qos, "--count", 20, *extra)
    ev = rt.next_json(15)
    assert ev["event"] == "ready", ev
    done = rt.next_json(15)
    assert done["event"] == "done", done
    assert [m["payload"] for m in done["received"]] == [f"js-{i}" for i in range(20)]
    assert rt.wait() == 0

    # 2. MQTT.js subscriber <- paho publisher
    sub = _node(node_modules, "--url", url, "--version", version, "--mode", "sub",
                "--topic", topic + "/in", "--qos", qos, "--count", 10, *extra)
    try:
        ev = sub.next_json(15)
        assert ev == {"event": "ready", "granted": [qos]}, ev
        p = clients.connected(version=paho_v)
        for i in range(10):
            p.publish(topic + "/in", f"p{i}".encode(), qos)
        done = sub.next_json(15)
        assert done["event"] == "done", done
        msgs = done["received"]
        assert sorted(m["payload"] for m in msgs) == sorted(f"p{i}" for i in range(10))
        assert all(m["qos"] == qos for m in msgs)
        if qos > 0:
            assert [m["payload"] for m in msgs] == [f"p{i}" for i in range(10)]
    finally:
        sub.stop()

    # 3. MQTT.js publisher -> paho subscriber
    s = clients.connected(version=paho_v)
    s.subscribe(topic + "/out", 2)
    pub = _node(node_modules, "--url", url, "--version", version, "--mode", "pub",
                "--topic", topic + "/out", "--qos", qos, "--count", 10, "--prefix", "n", *extra)
    done = pub.next_json(15)
    assert done["event"] == "done", done
    got = s.wait_messages(10)
    assert sorted(m.payload for m in got) == sorted(f"n-{i}".encode() for i in range(10))
    assert all(m.qos == qos for m in got)


def test_alibabacloud_device_sdk(broker, clients, node_modules):
    """The Alibaba Cloud IoT device SDK (MQTT.js 3 inside, odd client id with
    '|', '&', ',' and '=', many preset wildcard subscriptions) works against the broker."""
    watcher = clients.connected(version=V5)
    watcher.subscribe("/a1TestProduct/#", 1)
    dev = LineProcess(["node", "js/alibaba.js", "--url", f"mqtt://{broker.host}:{broker.port}",
                       "--pk", "a1TestProduct", "--dn", "device1"])
    try:
        ev = dev.next_json(15)
        assert ev["event"] == "ready", ev
        up = watcher.wait_message()
        assert up.topic == "/a1TestProduct/device1/user/update"
        assert b"temperature" in up.payload
        watcher.publish("/a1TestProduct/device1/user/get", b'{"cmd":"reboot"}', 1)
        done = dev.next_json(10)
        assert done == {"event": "done", "topic": "/a1TestProduct/device1/user/get", "payload": '{"cmd":"reboot"}'}
    finally:
        dev.stop()
