"""The `thingstead` client subcommands (product, device, topic-class, pub, sub)
against a running platform: REST round trips, --json output, CSV export,
error reporting and exit codes, MQTT as a signed device and as an application."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import time

import pytest

from clitools import LineProcess
from conftest import _thingstead_bin, unique_name

pytestmark = pytest.mark.thingstead_only("the thingstead CLI and REST API")


def cli_env(platform, **extra) -> dict:
    env = dict(os.environ)
    env.update(THINGSTEAD_SERVER=f"http://{platform.host}:{platform.http_port}",
               THINGSTEAD_TOKEN=platform.admin_token,
               THINGSTEAD_MQTT=f"{platform.host}:{platform.port}")
    env.update(extra)
    return env


def cli(platform, *args, rc: int | None = 0, env: dict | None = None, timeout: float = 30.0,
        input: str | None = None) -> subprocess.CompletedProcess:
    """Runs `thingstead ARGS`; asserts the exit code unless rc is None."""
    r = subprocess.run([_thingstead_bin(), *args], capture_output=True, text=True, timeout=timeout,
                       env=env or cli_env(platform), input=input)
    if rc is not None:
        assert r.returncode == rc, f"thingstead {' '.join(args)} exited {r.returncode}\n" \
                                   f"stdout={r.stdout}\nstderr={r.stderr}"
    return r


def cli_json(platform, *args, **kw):
    return json.loads(cli(platform, *args, "--json", **kw).stdout)


def new_product(platform, **fields) -> str:
    return cli_json(platform, "product", "create", "--name", unique_name("prod"))["productKey"]


# ---------------------------------------------------------------- REST
def test_product_lifecycle(platform):
    name = unique_name("lamp")
    created = cli_json(platform, "product", "create", "--name", name, "--node-type", "gateway",
                       "--data-format", "raw", "--description", "made by the CLI")
    pk = created["productKey"]
    assert created["productSecret"]
    assert (created["name"], created["nodeType"], created["dataFormat"]) == (name, "gateway", "raw")

    got = cli_json(platform, "product", "get", pk)
    assert got["productKey"] == pk and got["description"] == "made by the CLI"
    # The JSON is the API's, as the REST client sees it.
    assert got == platform.api.get(f"/products/{pk}", expect=200).json

    listed = cli_json(platform, "product", "list")
    assert pk in [p["productKey"] for p in listed["items"]]
    assert "nextPageToken" in listed

    text = cli(platform, "product", "list").stdout
    header, *rows = text.splitlines()
    assert header.split()[:2] == ["PRODUCT", "KEY"]
    assert any(r.split()[0] == pk and name in r for r in rows), text

    shown = cli(platform, "product", "get", pk).stdout
    assert f"productKey:" in shown and pk in shown and "nodeType:" in shown

    updated = cli_json(platform, "product", "update", pk, "--name", name + "_2")
    assert updated["name"] == name + "_2"

    cli(platform, "product", "delete", pk)
    r = cli(platform, "product", "get", pk, rc=1)
    assert r.stderr.startswith("thingstead: 404 ProductNotFound"), r.stderr


def test_product_paging(platform):
    pks = {new_product(platform) for _ in range(3)}
    first = cli_json(platform, "product", "list", "--page-size", "2")
    assert len(first["items"]) == 2 and first["nextPageToken"]
    rest = cli_json(platform, "product", "list", "--page-size", "2", "--page-token", first["nextPageToken"])
    seen = {p["productKey"] for p in first["items"] + rest["items"]}
    assert pks <= seen
    # The text form says how to get the next page.
    assert f"--page-token {first['nextPageToken']}" in cli(platform, "product", "list", "--page-size", "2").stdout


def test_device_lifecycle(platform):
    pk = new_product(platform)
    dev = cli_json(platform, "device", "register", "--product", pk, "--name", "lamp_1")
    assert (dev["productKey"], dev["deviceName"]) == (pk, "lamp_1")
    secret = dev["deviceSecret"]
    assert secret

    generated = cli_json(platform, "device", "register", "--product", pk)
    assert generated["deviceName"] and generated["deviceName"] != "lamp_1"

    got = cli_json(platform, "device", "get", "--product", pk, "--name", "lamp_1")
    assert got["status"] == "inactive" and got["deviceSecret"] == secret
    text = cli(platform, "device", "get", "--product", pk, "--name", "lamp_1").stdout
    assert "deviceSecret:" in text and secret in text and "status:" in text

    listed = cli_json(platform, "device", "list", "--product", pk)
    assert {d["deviceName"] for d in listed["items"]} == {"lamp_1", generated["deviceName"]}
    assert all("deviceSecret" not in d for d in listed["items"])
    table = cli(platform, "device", "list", "--product", pk, "--name", "lamp").stdout
    assert table.splitlines()[0].startswith("DEVICE NAME")
    assert [ln.split()[0] for ln in table.splitlines()[1:]] == ["lamp_1"]

    assert cli_json(platform, "device", "disable", "--product", pk, "--name", "lamp_1")["status"] == "disabled"
    disabled = cli_json(platform, "device", "list", "--product", pk, "--status", "disabled")
    assert [d["deviceName"] for d in disabled["items"]] == ["lamp_1"]
    assert cli_json(platform, "device", "enable", "--product", pk, "--name", "lamp_1")["status"] == "inactive"

    rotated = cli_json(platform, "device", "rotate-secret", "--product", pk, "--name", "lamp_1")
    assert rotated["deviceSecret"] and rotated["deviceSecret"] != secret

    cli(platform, "device", "delete", "--product", pk, "--name", "lamp_1")
    r = cli(platform, "device", "get", "--product", pk, "--name", "lamp_1", rc=1)
    assert r.stderr.startswith("thingstead: 404 DeviceNotFound"), r.stderr


def test_device_batch_with_csv(platform, tmp_path):
    pk = new_product(platform)
    out = tmp_path / "creds.csv"
    r = cli(platform, "device", "batch", "--product", pk, "--count", "3", "--csv", str(out))
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["productKey", "deviceName", "deviceSecret"]
    assert len(rows) == 4
    assert all(row[0] == pk and row[1] and row[2] for row in rows[1:])
    # The table on stdout shows the same credentials.
    for _, dn, secret in rows[1:]:
        assert dn in r.stdout and secret in r.stdout
    # The secrets are the registry's.
    for _, dn, secret in rows[1:]:
        assert platform.api.device(pk, dn)["deviceSecret"] == secret

    named = cli_json(platform, "device", "batch", "--product", pk, "--names", "b_one,b_two")
    assert sorted(d["deviceName"] for d in named["items"]) == ["b_one", "b_two"]
    listed = cli_json(platform, "device", "list", "--product", pk, "--page-size", "100")
    assert len(listed["items"]) == 5


def test_topic_classes(platform):
    pk = new_product(platform)
    # Every product starts with Alibaba's three: user/update, user/update/error, user/get.
    defaults = {t["topic"] for t in cli_json(platform, "topic-class", "list", "--product", pk)["items"]}
    assert f"/{pk}/${{deviceName}}/user/update" in defaults

    topic = f"/{pk}/${{deviceName}}/user/telemetry"
    added = cli_json(platform, "topic-class", "add", "--product", pk, "--topic", topic,
                     "--permission", "pub", "--description", "telemetry")
    assert (added["topic"], added["permission"], added["description"]) == (topic, "pub", "telemetry")
    listed = cli_json(platform, "topic-class", "list", "--product", pk)
    assert {(t["topic"], t["permission"]) for t in listed["items"]} >= {(topic, "pub")}
    table = cli(platform, "topic-class", "list", "--product", pk).stdout
    assert any(ln.split()[:2] == [topic, "pub"] for ln in table.splitlines()), table

    r = cli(platform, "topic-class", "add", "--product", pk, "--topic", topic, "--permission", "sub", rc=1)
    assert r.stderr.startswith("thingstead: 409 TopicClassAlreadyExists"), r.stderr

    cli(platform, "topic-class", "delete", "--product", pk, "--topic", topic)
    after = {t["topic"] for t in cli_json(platform, "topic-class", "list", "--product", pk)["items"]}
    assert after == defaults


def test_errors_and_exit_codes(platform):
    r = cli(platform, "product", "get", "nosuchproduct", rc=1)
    assert r.stderr.startswith("thingstead: 404 ProductNotFound: "), r.stderr
    r = cli(platform, "device", "register", "--product", "nosuchproduct", rc=1)
    assert "ProductNotFound" in r.stderr

    # A wrong token: the API's own 401, reported the same way.
    r = cli(platform, "product", "list", "--token", "wrong", rc=1)
    assert r.stderr.startswith("thingstead: 401 "), r.stderr

    # Usage errors exit 2 and name the problem; nothing is sent.
    r = cli(platform, "product", "create", rc=2)
    assert "--name" in r.stderr
    r = cli(platform, "device", "batch", "--product", "pk", rc=2)
    assert "--count" in r.stderr and "--names" in r.stderr
    r = cli(platform, "product", "list", "--server", "localhost:1", rc=2)
    assert "http://" in r.stderr

    # Nobody listening: exit 1 with the address.
    r = cli(platform, "product", "list", "--server", "http://127.0.0.1:1", rc=1)
    assert r.stderr.startswith("thingstead: cannot reach http://127.0.0.1:1"), r.stderr


def test_environment_and_flags(platform):
    pk = new_product(platform)
    # Flags instead of the environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("THINGSTEAD_")}
    got = json.loads(cli(platform, "product", "get", pk, "--json",
                         "--server", f"http://{platform.host}:{platform.http_port}",
                         "--token", platform.admin_token, env=env).stdout)
    assert got["productKey"] == pk
    # No token at all: refused by the API.
    r = cli(platform, "product", "get", pk, "--server", f"http://{platform.host}:{platform.http_port}",
            env=env, rc=1)
    assert r.stderr.startswith("thingstead: 401 "), r.stderr


# ---------------------------------------------------------------- MQTT
def _device_with_topic(platform):
    """A registered device; it may publish to /{pk}/{dn}/user/update through
    the product's default topic class."""
    pk = new_product(platform)
    dev = cli_json(platform, "device", "register", "--product", pk, "--name", unique_name("dev"))
    return pk, dev["deviceName"], dev["deviceSecret"]


def _publish_until_received(platform, sub: LineProcess, pub_args: list[str], timeout=15.0) -> str:
    """Publishes until `sub` prints a line: its subscription is live only
    some time after the process started."""
    deadline = time.monotonic() + timeout
    while True:
        cli(platform, "pub", *pub_args)
        try:
            return sub.next_line(timeout=0.5)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@pytest.mark.parametrize("version", ["3.1.1", "5"])
def test_device_pub_received_by_application_sub(platform, version):
    pk, dn, secret = _device_with_topic(platform)
    topic = f"/{pk}/{dn}/user/update"
    sub = LineProcess([_thingstead_bin(), "sub", "--topic", f"/{pk}/+/user/update", "--qos", "1",
                       "--count", "1", "--timeout", "30", "--json", "--mqtt-version", version,
                       "--mqtt", f"{platform.host}:{platform.port}", "--token", platform.admin_token])
    try:
        line = _publish_until_received(platform, sub, [
            "--topic", topic, "--message", '{"temperature": 21.5}', "--qos", "1",
            "--mqtt-version", version, "--product", pk, "--device", dn, "--secret", secret])
        msg = json.loads(line)
        assert msg == {"topic": topic, "payload": '{"temperature": 21.5}', "qos": 1, "retain": False}
        assert sub.wait(10) == 0  # --count 1 reached
    finally:
        sub.stop()
    # The device was seen online by the registry.
    assert platform.api.device(pk, dn)["lastOnlineTime"] > 0


def test_sub_text_output_and_payload_file(platform, tmp_path):
    pk, dn, secret = _device_with_topic(platform)
    topic = f"/{pk}/{dn}/user/update"
    payload = tmp_path / "payload.txt"
    payload.write_text("from a file")
    # The application token from the environment (THINGSTEAD_TOKEN).
    sub = LineProcess([_thingstead_bin(), "sub", "--topic", topic, "--count", "1", "--timeout", "30",
                       "--mqtt", f"{platform.host}:{platform.port}", "--token", platform.admin_token])
    try:
        line = _publish_until_received(platform, sub, [
            "--topic", topic, "--file", str(payload), "--product", pk, "--device", dn, "--secret", secret])
        assert line == f"{topic} from a file"
        assert sub.wait(10) == 0
    finally:
        sub.stop()


def test_wrong_secret_is_refused(platform):
    pk, dn, _ = _device_with_topic(platform)
    args = ["--topic", f"/{pk}/{dn}/user/update", "--message", "x",
            "--product", pk, "--device", dn, "--secret", "not-the-secret"]
    r = cli(platform, "pub", *args, rc=1)
    assert r.stderr.strip() == "thingstead: connection refused: bad user name or password (return code 4)", r.stderr
    r = cli(platform, "pub", *args, "--mqtt-version", "5", rc=1)
    assert r.stderr.strip() == "thingstead: connection refused: bad user name or password (0x86)", r.stderr
    assert r.stdout == ""


def test_wrong_token_and_anonymous_are_refused(platform):
    r = cli(platform, "sub", "--topic", "x", "--timeout", "1", "--token", "wrong", rc=1)
    assert "connection refused: bad user name or password" in r.stderr
    # The platform fixture turns anonymous access off.
    env = {k: v for k, v in cli_env(platform).items() if k != "THINGSTEAD_TOKEN"}
    r = cli(platform, "pub", "--topic", "x", "--message", "y", env=env, rc=1)
    assert "connection refused: bad user name or password" in r.stderr


def test_publish_outside_the_acl_is_refused_under_v5(platform):
    pk, dn, secret = _device_with_topic(platform)
    r = cli(platform, "pub", "--topic", f"/{pk}/{dn}/user/other", "--message", "x", "--qos", "1",
            "--mqtt-version", "5", "--product", pk, "--device", dn, "--secret", secret, rc=1)
    assert r.stderr.strip() == "thingstead: publish refused: not authorized (0x87)", r.stderr


def test_sub_timeout(platform):
    t0 = time.monotonic()
    # No --count: the timeout ends a plain listen successfully.
    cli(platform, "sub", "--topic", "quiet/#", "--timeout", "1")
    # With --count, missing messages make it a failure.
    r = cli(platform, "sub", "--topic", "quiet/#", "--timeout", "1", "--count", "2", rc=1)
    assert "timed out after 1 s with 0 of 2 messages" in r.stderr, r.stderr
    assert time.monotonic() - t0 < 10


def test_sub_keeps_the_connection_alive(platform):
    # The broker drops a client silent for 1.5 x keep-alive; PINGREQs at
    # keep-alive/2 keep this one connected for the whole wait.
    pk, dn, secret = _device_with_topic(platform)
    topic = f"/{pk}/{dn}/user/update"
    sub = LineProcess([_thingstead_bin(), "sub", "--topic", topic, "--keepalive", "1", "--count", "1",
                       "--timeout", "30", "--mqtt", f"{platform.host}:{platform.port}",
                       "--token", platform.admin_token])
    try:
        time.sleep(3.5)
        assert sub.proc.poll() is None, sub.read_stderr()
        line = _publish_until_received(platform, sub, [
            "--topic", topic, "--message", "still here", "--product", pk, "--device", dn,
            "--secret", secret])
        assert line == f"{topic} still here"
        assert sub.wait(10) == 0
    finally:
        sub.stop()


@pytest.mark.tls
def test_pub_sub_over_tls(platform):
    pk, dn, secret = _device_with_topic(platform)
    topic = f"/{pk}/{dn}/user/update"
    tls = ["--tls", "--cafile", platform.ca_file, "--mqtt", f"{platform.host}:{platform.tls_port}"]
    sub = LineProcess([_thingstead_bin(), "sub", "--topic", topic, "--count", "1", "--timeout", "30",
                       "--token", platform.admin_token, *tls])
    try:
        line = _publish_until_received(platform, sub, [
            "--topic", topic, "--message", "secure", "--qos", "1", "--product", pk, "--device", dn,
            "--secret", secret, *tls])
        assert line == f"{topic} secure"
        assert sub.wait(10) == 0
    finally:
        sub.stop()
    # Without the CA the self-signed certificate is refused.
    r = cli(platform, "pub", "--topic", topic, "-m", "x", "--tls", "--mqtt",
            f"{platform.host}:{platform.tls_port}", "--product", pk, "--device", dn, "--secret", secret,
            rc=1)
    assert "TLS handshake" in r.stderr and "certificate verify failed" in r.stderr, r.stderr
