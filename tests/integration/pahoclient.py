"""Thin synchronous wrapper over paho-mqtt 1.6.1 for the integration tests.

Every operation waits for its acknowledgement with a deadline, and received
messages land in a queue that tests drain with `wait_messages` / `expect_none`.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

V311 = mqtt.MQTTv311
V5 = mqtt.MQTTv5
_ids = itertools.count(1)
TIMEOUT = 5.0


def unique_id(prefix: str = "c") -> str:
    return f"{prefix}-{int(time.time() * 1000) % 100000}-{next(_ids)}"


def props(ptype=PacketTypes.PUBLISH, **kw) -> Properties:
    """props(PacketTypes.CONNECT, SessionExpiryInterval=60)"""
    p = Properties(ptype)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


class Client:
    def __init__(self, broker, client_id: str | None = None, *, version=V311, clean_session: bool = True,
                 transport: str = "tcp", tls: bool = False, port: int | None = None):
        self.broker = broker
        self.version = version
        self.client_id = unique_id() if client_id is None else client_id
        kw = {}
        if version != V5:
            kw["clean_session"] = clean_session
        self.c = mqtt.Client(self.client_id, protocol=version, transport=transport,
                             reconnect_on_failure=False, **kw)
        if transport == "websockets":
            self.c.ws_set_options(path=broker.ws_path)
        if tls:
            self.c.tls_set(ca_certs=broker.ca_file)
        if port is None:
            port = broker.tls_port if tls else (broker.ws_port if transport == "websockets" else broker.port)
        self.port = port
        self.messages: queue.Queue = queue.Queue()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.connack = None  # (flags, rc, properties)
        self.disconnect_rc = None
        self.disconnect_props = None
        self._acks: dict[int, object] = {}
        self._ack_cv = threading.Condition()
        self.c.on_connect = self._on_connect
        self.c.on_disconnect = self._on_disconnect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_unsubscribe = self._on_unsubscribe

    # -- callbacks
    def _on_connect(self, c, u, flags, rc, properties=None):
        self.connack = (flags, rc, properties)
        self.connected.set()

    def _on_disconnect(self, c, u, rc, properties=None):
        self.disconnect_rc = rc
        self.disconnect_props = properties
        self.connected.clear()
        self.disconnected.set()

    def _on_message(self, c, u, msg):
        self.messages.put(msg)

    def _on_subscribe(self, c, u, mid, granted, properties=None):
        with self._ack_cv:
            self._acks[mid] = granted
            self._ack_cv.notify_all()

    def _on_unsubscribe(self, c, u, mid, properties=None, reasons=None):
        if reasons is not None and not isinstance(reasons, list):
            reasons = [reasons]  # paho passes a bare ReasonCodes for one topic
        with self._ack_cv:
            self._acks[mid] = reasons
            self._ack_cv.notify_all()

    def _wait_ack(self, mid, timeout):
        deadline = time.monotonic() + timeout
        with self._ack_cv:
            while mid not in self._acks:
                left = deadline - time.monotonic()
                assert left > 0, f"no SUBACK/UNSUBACK for mid {mid} within {timeout}s"
                self._ack_cv.wait(left)
            return self._acks.pop(mid)

    # -- operations
    def connect(self, *, keepalive: int = 60, clean_start=True, properties: Properties | None = None,
                will: dict | None = None, timeout: float = TIMEOUT, expect_success: bool = True):
        """Connect and wait for CONNACK; returns (flags, rc, properties)."""
        if will:
            self.c.will_set(will["topic"], will.get("payload", b""), will.get("qos", 0),
                            will.get("retain", False), properties=will.get("properties"))
        self.connack = None
        self.disconnected.clear()
        if self.version == V5:
            self.c.connect(self.broker.host, self.port, keepalive, clean_start=clean_start, properties=properties)
        else:
            self.c.connect(self.broker.host, self.port, keepalive)
        self.c.loop_start()
        deadline = time.monotonic() + timeout
        while self.connack is None:
            if self.disconnected.is_set():
                raise AssertionError(f"{self.client_id}: connection closed before CONNACK (rc={self.disconnect_rc})")
            assert time.monotonic() < deadline, f"{self.client_id}: no CONNACK within {timeout}s"
            time.sleep(0.01)
        if expect_success:
            rc = self.connack[1]
            assert rc == 0, f"{self.client_id}: CONNACK refused: {rc}"
        return self.connack

    @property
    def session_present(self) -> bool:
        return bool(self.connack[0].get("session present"))

    def subscribe(self, topic, qos: int = 0, *, options: SubscribeOptions | None = None,
                  properties: Properties | None = None, timeout: float = TIMEOUT):
        """Returns the granted QoS list (3.1.1) or list of ReasonCodes (5.0)."""
        if self.version == V5:
            if options is None:
                options = SubscribeOptions(qos=qos)
            rc, mid = self.c.subscribe(topic, options=options, properties=properties)
        else:
            rc, mid = self.c.subscribe(topic, qos)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"subscribe failed locally: {rc}"
        return list(self._wait_ack(mid, timeout))

    def unsubscribe(self, topic, timeout: float = TIMEOUT):
        rc, mid = self.c.unsubscribe(topic)
        assert rc == mqtt.MQTT_ERR_SUCCESS
        return self._wait_ack(mid, timeout)

    def publish(self, topic, payload=b"", qos: int = 0, retain: bool = False, *,
                properties: Properties | None = None, wait: bool = True, timeout: float = TIMEOUT):
        info = self.c.publish(topic, payload, qos, retain, properties=properties)
        if wait:
            info.wait_for_publish(timeout)
            assert info.is_published(), f"publish to {topic!r} (qos {qos}) not completed within {timeout}s"
        return info

    def wait_messages(self, n: int, timeout: float = TIMEOUT) -> list:
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.client_id}: expected {n} messages, got {len(out)}: "
                                     f"{[(m.topic, m.payload[:30]) for m in out]}")
            try:
                out.append(self.messages.get(timeout=left))
            except queue.Empty:
                pass
        return out

    def wait_message(self, timeout: float = TIMEOUT):
        return self.wait_messages(1, timeout)[0]

    def expect_none(self, timeout: float = 0.5):
        """Assert nothing else arrives within `timeout` seconds."""
        try:
            m = self.messages.get(timeout=timeout)
        except queue.Empty:
            return
        raise AssertionError(f"{self.client_id}: unexpected message {m.topic!r} {m.payload[:60]!r} retain={m.retain}")

    def drain(self, settle: float = 0.3) -> list:
        out = []
        while True:
            try:
                out.append(self.messages.get(timeout=settle))
            except queue.Empty:
                return out

    def wait_disconnected(self, timeout: float = TIMEOUT) -> bool:
        return self.disconnected.wait(timeout)

    def disconnect(self, properties: Properties | None = None, reasoncode=None):
        if self.version == V5:
            self.c.disconnect(reasoncode=reasoncode, properties=properties)
        else:
            self.c.disconnect()
        self.disconnected.wait(TIMEOUT)
        self.c.loop_stop()

    def drop(self):
        """Close the TCP connection without sending DISCONNECT (network loss)."""
        self.c.loop_stop()
        sock = self.c.socket()
        if sock is not None:
            try:
                import socket as _s
                sock.shutdown(_s.SHUT_RDWR)
            except Exception:
                pass
            sock.close()

    def close(self):
        try:
            if self.connected.is_set():
                self.c.disconnect()
                self.disconnected.wait(1)
        finally:
            self.c.loop_stop()


class Clients:
    """Fixture helper: creates clients and closes them all at teardown."""

    def __init__(self, broker):
        self.broker = broker
        self.all: list[Client] = []

    def new(self, client_id=None, **kw) -> Client:
        c = Client(self.broker, client_id, **kw)
        self.all.append(c)
        return c

    def connected(self, client_id=None, *, connect_kw: dict | None = None, **kw) -> Client:
        c = self.new(client_id, **kw)
        c.connect(**(connect_kw or {}))
        return c

    def close_all(self):
        for c in self.all:
            try:
                c.close()
            except Exception:
                pass
