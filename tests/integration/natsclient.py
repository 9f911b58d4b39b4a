"""A few NATS protocol requests over a plain socket, enough to set up and read
a JetStream stream in the rules tests (Debian has no Python NATS client):
CONNECT, SUB on an inbox, PUB a JetStream API request, read the MSG reply."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import time

_ids = itertools.count(1)


class NatsClient:
    def __init__(self, host: str, port: int, timeout: float = 5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        info = self._line()
        assert info.startswith(b"INFO "), info
        self.sock.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\nPING\r\n')
        while self._line() != b"PONG":
            pass
        self.inbox = f"_INBOX.ts{next(_ids)}"
        self.sock.sendall(f"SUB {self.inbox}.* 1\r\n".encode())

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("NATS server closed the connection")
        self.buf += chunk

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def request(self, subject: str, body: dict | None = None, timeout: float = 5.0) -> dict:
        reply = f"{self.inbox}.{next(_ids)}"
        data = json.dumps(body or {}).encode()
        self.sock.sendall(f"PUB {subject} {reply} {len(data)}\r\n".encode() + data + b"\r\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._line()
            if line == b"PING":
                self.sock.sendall(b"PONG\r\n")
                continue
            parts = line.split()
            if parts and parts[0] == b"MSG":
                payload = self._exact(int(parts[-1]))
                if parts[1].decode() == reply:
                    return json.loads(payload)
            elif parts and parts[0] == b"HMSG":
                blob = self._exact(int(parts[-1]))
                if parts[1].decode() == reply:
                    raise AssertionError(f"no reply to {subject}: {blob[:200]!r}")
            elif parts and parts[0] == b"-ERR":
                raise AssertionError(line.decode())
        raise TimeoutError(subject)

    # JetStream API
    def add_stream(self, name: str, subjects: list[str]) -> dict:
        return self.request(f"$JS.API.STREAM.CREATE.{name}", {"name": name, "subjects": subjects,
                                                               "storage": "file"})

    def stream_messages(self, name: str) -> list[dict]:
        info = self.request(f"$JS.API.STREAM.INFO.{name}")
        state = info["state"]
        out = []
        for seq in range(state["first_seq"], state["last_seq"] + 1) if state["messages"] else []:
            r = self.request(f"$JS.API.STREAM.MSG.GET.{name}", {"seq": seq})
            if "message" in r:
                m = r["message"]
                out.append({"subject": m["subject"], "data": json.loads(base64.b64decode(m["data"]))})
        return out
