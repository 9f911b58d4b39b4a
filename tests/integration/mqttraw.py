"""Tiny raw MQTT packet helper for the integration tests.

Builds CONNECT / PUBLISH / SUBSCRIBE / ... bytes (MQTT 3.1.1 = version 4,
MQTT 5.0 = version 5) and reads packets from a plain socket.  Deliberately
simple: it exists so tests can send things a well-behaved client library
refuses to send (garbage, half packets, no acks) and look at exact bytes.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field

# Packet types
CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = (
    8, 9, 10, 11, 12, 13, 14, 15)

# MQTT 5 property identifiers (the ones the tests use)
P_PAYLOAD_FORMAT = 0x01
P_MESSAGE_EXPIRY = 0x02
P_CONTENT_TYPE = 0x03
P_RESPONSE_TOPIC = 0x08
P_CORRELATION_DATA = 0x09
P_SUBSCRIPTION_ID = 0x0B
P_SESSION_EXPIRY = 0x11
P_ASSIGNED_CLIENT_ID = 0x12
P_SERVER_KEEP_ALIVE = 0x13
P_REASON_STRING = 0x1F
P_RECEIVE_MAXIMUM = 0x21
P_TOPIC_ALIAS_MAXIMUM = 0x22
P_TOPIC_ALIAS = 0x23
P_MAXIMUM_QOS = 0x24
P_RETAIN_AVAILABLE = 0x25
P_USER_PROPERTY = 0x26
P_MAXIMUM_PACKET_SIZE = 0x27
P_WILDCARD_SUB_AVAILABLE = 0x28
P_SUB_ID_AVAILABLE = 0x29
P_SHARED_SUB_AVAILABLE = 0x2A
P_WILL_DELAY = 0x18

_BYTE_PROPS = {0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A}
_U16_PROPS = {0x13, 0x21, 0x22, 0x23}
_U32_PROPS = {0x02, 0x11, 0x18, 0x27}
_VARINT_PROPS = {0x0B}
_STR_PROPS = {0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F}
_BIN_PROPS = {0x09, 0x16}


# ---------------------------------------------------------------- encoding
def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            b |= 0x80
        out.append(b)
        if not n:
            return bytes(out)


def decode_varint(buf: bytes, pos: int = 0) -> tuple[int, int]:
    mult, value = 1, 0
    for i in range(4):
        b = buf[pos + i]
        value += (b & 0x7F) * mult
        mult *= 128
        if not b & 0x80:
            return value, pos + i + 1
    raise ValueError("malformed variable byte integer")


def mqtt_str(s) -> bytes:
    if isinstance(s, str):
        s = s.encode("utf-8")
    return struct.pack("!H", len(s)) + s


def prop(pid: int, value) -> bytes:
    """Encode one MQTT 5 property; user property takes a (key, value) tuple."""
    b = bytes([pid])
    if pid in _BYTE_PROPS:
        return b + bytes([value])
    if pid in _U16_PROPS:
        return b + struct.pack("!H", value)
    if pid in _U32_PROPS:
        return b + struct.pack("!I", value)
    if pid in _VARINT_PROPS:
        return b + varint(value)
    if pid in _STR_PROPS or pid in _BIN_PROPS:
        return b + mqtt_str(value)
    if pid == P_USER_PROPERTY:
        return b + mqtt_str(value[0]) + mqtt_str(value[1])
    raise ValueError(f"unknown property {pid:#x}")


def props(*encoded: bytes) -> bytes:
    """Property block: length + concatenated prop() results."""
    body = b"".join(encoded)
    return varint(len(body)) + body


def packet(ptype: int, flags: int, body: bytes) -> bytes:
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def connect(client_id: str = "", *, version: int = 4, clean: bool = True,
            keepalive: int = 60, will: dict | None = None,
            username: str | None = None, password: bytes | None = None,
            properties: bytes | None = None, protocol_name: bytes = b"MQTT") -> bytes:
    """will = dict(topic=..., payload=..., qos=0, retain=False, properties=b'\\x00')."""
    flags = 0
    if clean:
        flags |= 0x02
    if will:
        flags |= 0x04 | (will.get("qos", 0) << 3) | (0x20 if will.get("retain") else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = mqtt_str(protocol_name) + bytes([version, flags]) + struct.pack("!H", keepalive)
    if version == 5:
        body += properties if properties is not None else b"\x00"
    body += mqtt_str(client_id)
    if will:
        if version == 5:
            body += will.get("properties", b"\x00")
        body += mqtt_str(will["topic"]) + mqtt_str(will.get("payload", b""))
    if username is not None:
        body += mqtt_str(username)
    if password is not None:
        body += mqtt_str(password)
    return packet(CONNECT, 0, body)


def publish(topic, payload: bytes = b"", *, qos: int = 0, retain: bool = False,
            dup: bool = False, packet_id: int = 1, version: int = 4,
            properties: bytes | None = None) -> bytes:
    flags = (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = mqtt_str(topic)
    if qos:
        body += struct.pack("!H", packet_id)
    if version == 5:
        body += properties if properties is not None else b"\x00"
    return packet(PUBLISH, flags, body + payload)


def subscribe(packet_id: int, filters, *, version: int = 4,
              properties: bytes | None = None) -> bytes:
    """filters: list of (topic_filter, options_byte) – options_byte is the QoS
    for 3.1.1, or QoS | nl<<2 | rap<<3 | rh<<4 for 5.0."""
    body = struct.pack("!H", packet_id)
    if version == 5:
        body += properties if properties is not None else b"\x00"
    for topic, opts in filters:
        body += mqtt_str(topic) + bytes([opts])
    return packet(SUBSCRIBE, 0x02, body)


def unsubscribe(packet_id: int, topics, *, version: int = 4) -> bytes:
    body = struct.pack("!H", packet_id)
    if version == 5:
        body += b"\x00"
    for t in topics:
        body += mqtt_str(t)
    return packet(UNSUBSCRIBE, 0x02, body)


def ack(ptype: int, packet_id: int) -> bytes:
    """PUBACK / PUBREC / PUBREL / PUBCOMP with success reason (2-byte form)."""
    return packet(ptype, 0x02 if ptype == PUBREL else 0, struct.pack("!H", packet_id))


def pingreq() -> bytes:
    return b"\xc0\x00"


def disconnect(reason: int | None = None, *, properties: bytes | None = None) -> bytes:
    if reason is None:
        return b"\xe0\x00"
    body = bytes([reason])
    if properties is not None:
        body += properties
    return packet(DISCONNECT, 0, body)


# ---------------------------------------------------------------- decoding
def parse_props(buf: bytes, pos: int) -> tuple[dict, int]:
    """Returns ({pid: value or [values] for user props / sub ids}, new_pos)."""
    length, pos = decode_varint(buf, pos)
    end = pos + length
    out: dict = {}
    while pos < end:
        pid = buf[pos]
        pos += 1
        if pid in _BYTE_PROPS:
            val = buf[pos]; pos += 1
        elif pid in _U16_PROPS:
            val = struct.unpack_from("!H", buf, pos)[0]; pos += 2
        elif pid in _U32_PROPS:
            val = struct.unpack_from("!I", buf, pos)[0]; pos += 4
        elif pid in _VARINT_PROPS:
            val, pos = decode_varint(buf, pos)
        elif pid in _STR_PROPS or pid in _BIN_PROPS:
            n = struct.unpack_from("!H", buf, pos)[0]
            val = bytes(buf[pos + 2:pos + 2 + n]); pos += 2 + n
            if pid in _STR_PROPS:
                val = val.decode("utf-8")
        elif pid == P_USER_PROPERTY:
            n = struct.unpack_from("!H", buf, pos)[0]
            k = bytes(buf[pos + 2:pos + 2 + n]).decode(); pos += 2 + n
            n = struct.unpack_from("!H", buf, pos)[0]
            v = bytes(buf[pos + 2:pos + 2 + n]).decode(); pos += 2 + n
            val = (k, v)
        else:
            raise ValueError(f"unknown property id {pid:#x}")
        if pid in (P_USER_PROPERTY, P_SUBSCRIPTION_ID):
            out.setdefault(pid, []).append(val)
        else:
            out[pid] = val
    return out, end


@dataclass
class Packet:
    type: int
    flags: int
    body: bytes
    version: int = 4
    # filled for PUBLISH
    topic: str = ""
    qos: int = 0
    dup: bool = False
    retain: bool = False
    packet_id: int | None = None
    payload: bytes = b""
    props: dict = field(default_factory=dict)
    # filled for CONNACK / DISCONNECT / acks
    reason: int | None = None
    session_present: bool = False

    def __repr__(self) -> str:
        if self.type == PUBLISH:
            return (f"PUBLISH(topic={self.topic!r}, qos={self.qos}, dup={self.dup}, "
                    f"retain={self.retain}, pid={self.packet_id}, payload={self.payload[:40]!r}, "
                    f"props={self.props})")
        return f"Packet(type={self.type}, flags={self.flags:#x}, reason={self.reason}, body={self.body[:40]!r})"


def parse(ptype: int, flags: int, body: bytes, version: int = 4) -> Packet:
    p = Packet(ptype, flags, body, version)
    if ptype == PUBLISH:
        p.qos = (flags >> 1) & 3
        p.dup = bool(flags & 0x08)
        p.retain = bool(flags & 0x01)
        n = struct.unpack_from("!H", body, 0)[0]
        p.topic = body[2:2 + n].decode("utf-8")
        pos = 2 + n
        if p.qos:
            p.packet_id = struct.unpack_from("!H", body, pos)[0]
            pos += 2
        if version == 5:
            p.props, pos = parse_props(body, pos)
        p.payload = bytes(body[pos:])
    elif ptype == CONNACK:
        p.session_present = bool(body[0] & 1)
        p.reason = body[1]
        if version == 5 and len(body) > 2:
            p.props, _ = parse_props(body, 2)
    elif ptype == DISCONNECT:
        if body:
            p.reason = body[0]
            if version == 5 and len(body) > 1:
                p.props, _ = parse_props(body, 1)
        else:
            p.reason = 0
    elif ptype in (PUBACK, PUBREC, PUBREL, PUBCOMP):
        p.packet_id = struct.unpack_from("!H", body, 0)[0]
        p.reason = body[2] if len(body) > 2 else 0
    elif ptype in (SUBACK, UNSUBACK):
        p.packet_id = struct.unpack_from("!H", body, 0)[0]
        pos = 2
        if version == 5:
            p.props, pos = parse_props(body, pos)
        p.payload = bytes(body[pos:])  # reason codes / granted QoS, one per filter
    return p


class Closed(Exception):
    """The broker closed the connection."""


class RawClient:
    """A blocking TCP socket with an MQTT packet reader."""

    def __init__(self, host: str, port: int, version: int = 4, timeout: float = 5.0):
        self.version = version
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    # context manager so tests always close their sockets
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no packet before deadline")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no packet before deadline") from None
        except (ConnectionResetError, BrokenPipeError):
            raise Closed("connection reset") from None
        if not chunk:
            raise Closed("connection closed by peer")
        self.buf += chunk

    def read_packet(self, timeout: float = 5.0) -> Packet:
        """Next packet; raises TimeoutError, or Closed if the peer closed."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 2:
                try:
                    length, pos = decode_varint(self.buf, 1)
                except IndexError:
                    length = None
                if length is not None and len(self.buf) >= pos + length:
                    hdr = self.buf[0]
                    body = bytes(self.buf[pos:pos + length])
                    del self.buf[:pos + length]
                    return parse(hdr >> 4, hdr & 0x0F, body, self.version)
            self._fill(deadline)

    def expect(self, ptype: int, timeout: float = 5.0) -> Packet:
        p = self.read_packet(timeout)
        assert p.type == ptype, f"expected packet type {ptype}, got {p!r}"
        return p

    def connect(self, client_id: str = "", timeout: float = 5.0, **kw) -> Packet:
        """Send CONNECT and return the CONNACK packet."""
        self.send(connect(client_id, version=self.version, **kw))
        return self.expect(CONNACK, timeout)

    def subscribe(self, topic: str, opts: int = 0, packet_id: int = 1, **kw) -> Packet:
        self.send(subscribe(packet_id, [(topic, opts)], version=self.version, **kw))
        return self.expect(SUBACK)

    def wait_closed(self, timeout: float = 5.0) -> list[Packet]:
        """Read until the broker closes the connection; returns the packets seen
        meanwhile. Raises TimeoutError if still open after `timeout`."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                seen.append(self.read_packet(max(0.001, deadline - time.monotonic())))
            except Closed:
                return seen
            except (ValueError, UnicodeDecodeError):
                # unparsable bytes: drop them, keep waiting for the close
                self.buf.clear()
            if time.monotonic() >= deadline:
                raise TimeoutError(f"connection still open after {timeout}s (saw {seen})")
