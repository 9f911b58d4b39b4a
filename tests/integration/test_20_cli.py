"""The `thingstead` client subcommands (product, device, topic-class, pub, sub)
against a running platform: REST round trips, --json output, CSV export,
error reporting and exit codes, MQTT as a signed device and as an application."""

from __future__ import annotations

import csv
import json
import os
import re
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


# ---------------------------------------------------------------- thing model and device data
THING_TSL = {
    "properties": [
        {"identifier": "temperature", "name": "Temperature", "accessMode": "rw",
         "dataType": {"type": "float", "specs": {"min": "-40", "max": "120", "unit": "°C"}}},
    ],
    "events": [
        {"identifier": "alarm", "name": "Alarm", "type": "alert",
         "outputData": [{"identifier": "level", "name": "Level",
                         "dataType": {"type": "int", "specs": {"min": "0", "max": "5"}}}]},
    ],
    "services": [
        {"identifier": "calc", "name": "Calc", "callType": "sync",
         "inputData": [{"identifier": "a", "name": "A", "dataType": {"type": "int", "specs": {}}}],
         "outputData": [{"identifier": "sum", "name": "Sum", "dataType": {"type": "int", "specs": {}}}]},
    ],
}

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_thing_model_set_get_and_errors(platform, tmp_path):
    pk = new_product(platform)
    tsl = tmp_path / "tsl.json"
    tsl.write_text(json.dumps(THING_TSL))
    out = cli(platform, "product", "thing-model", "set", "--product", pk, "--file", str(tsl)).stdout
    # The model as stored, built-ins included, by identifier.
    assert f"productKey: {pk}" in out and "temperature" in out and "alarm" in out and "calc" in out, out

    doc = cli_json(platform, "product", "thing-model", "get", "--product", pk)
    assert doc == platform.api.get(f"/products/{pk}/thing-model", expect=200).json
    props = {p["identifier"]: p for p in doc["properties"]}
    assert props["temperature"]["dataType"]["specs"]["min"] == "-40"
    # Without --json it is the same document: JSON is its only useful form.
    assert json.loads(cli(platform, "product", "thing-model", "get", "--product", pk).stdout) == doc
    # The exported document goes back in unchanged, here through stdin.
    cli(platform, "product", "thing-model", "set", "--product", pk, "--file", "-", "--json",
        input=json.dumps(doc))

    # The server's error names the path in the document; exit 1, model kept.
    bad = json.loads(json.dumps(THING_TSL))
    bad["properties"][0]["dataType"]["type"] = "colour"
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    r = cli(platform, "product", "thing-model", "set", "--product", pk, "--file", str(bad_file), rc=1)
    assert r.stderr.startswith("thingstead: 400 InvalidThingModel: properties[0].dataType.type"), r.stderr
    assert r.stdout == ""
    bad = json.loads(json.dumps(THING_TSL))
    bad["properties"][0]["dataType"]["specs"]["min"] = "200"
    bad_file.write_text(json.dumps(bad))
    r = cli(platform, "product", "thing-model", "set", "--product", pk, "--file", str(bad_file), rc=1)
    assert "properties[0].dataType.specs" in r.stderr, r.stderr
    # Not JSON at all: caught before sending, the file named.
    bad_file.write_text('{"properties": [')
    r = cli(platform, "product", "thing-model", "set", "--product", pk, "--file", str(bad_file), rc=1)
    assert r.stderr.startswith(f"thingstead: {bad_file}: not valid JSON"), r.stderr
    r = cli(platform, "product", "thing-model", "set", "--product", pk, "--file",
            str(tmp_path / "missing.json"), rc=1)
    assert r.stderr.startswith("thingstead: cannot read "), r.stderr
    r = cli(platform, "product", "thing-model", "get", "--product", "nosuchproduct", rc=1)
    assert r.stderr.startswith("thingstead: 404 ProductNotFound"), r.stderr
    assert cli_json(platform, "product", "thing-model", "get", "--product", pk) == doc


def test_product_validation_mode(platform):
    pk = new_product(platform)
    assert cli_json(platform, "product", "get", pk)["validationMode"] == "strict"
    updated = cli_json(platform, "product", "update", "--product", pk, "--validation-mode", "lenient")
    assert updated["validationMode"] == "lenient"
    assert platform.api.get(f"/products/{pk}", expect=200).json["validationMode"] == "lenient"
    assert "validationMode: lenient" in cli(platform, "product", "get", pk).stdout
    header, *rows = cli(platform, "product", "list", "--page-size", "1000").stdout.splitlines()
    assert "VALIDATION" in header.split(), header
    assert any(r.split()[0] == pk and " lenient " in r for r in rows), rows
    r = cli(platform, "product", "update", pk, "--validation-mode", "loose", rc=2)
    assert "--validation-mode" in r.stderr, r.stderr
    created = cli_json(platform, "product", "create", "--name", unique_name("prod"),
                       "--validation-mode", "off")
    assert created["validationMode"] == "off"


def test_device_data_commands(platform, pclients, tmp_path):
    pk = new_product(platform)
    tsl = tmp_path / "tsl.json"
    tsl.write_text(json.dumps(THING_TSL))
    cli(platform, "product", "thing-model", "set", "--product", pk, "--file", str(tsl))
    dev = cli_json(platform, "device", "register", "--product", pk, "--name", unique_name("dev"))
    dn = dev["deviceName"]
    one = ["--product", pk, "--name", dn]
    d = pclients.device(dev)
    sys = f"/sys/{pk}/{dn}"

    d.publish(f"{sys}/thing/event/property/post",
              json.dumps({"id": "1", "params": {"temperature": 21.5}}), qos=1)
    reply = json.loads(d.wait_message(5).payload)
    assert reply["id"] == "1" and reply["code"] == 200, reply

    # Stored behind the reply: poll until the value is there.
    deadline = time.monotonic() + 5
    while not (props := cli_json(platform, "device", "props", *one))["items"]:
        assert time.monotonic() < deadline, "the posted property never showed up"
        time.sleep(0.05)
    assert [(i["identifier"], i["value"]) for i in props["items"]] == [("temperature", 21.5)], props
    header, *rows = cli(platform, "device", "props", *one).stdout.splitlines()
    assert header.split() == ["IDENTIFIER", "VALUE", "TIME"], header
    assert len(rows) == 1 and rows[0].split()[:2] == ["temperature", "21.5"], rows
    assert ISO_TIME.match(rows[0].split()[2]), rows

    hist = cli_json(platform, "device", "history", *one, "--property", "temperature")
    assert [h["value"] for h in hist["items"]] == [21.5], hist
    t = hist["items"][0]["time"]
    window = cli_json(platform, "device", "history", *one, "--property", "temperature",
                      "--from", str(t + 1), "--to", str(t + 1000), "--page-size", "5")
    assert window["items"] == []

    d.publish(f"{sys}/thing/event/alarm/post", json.dumps({"id": "2", "params": {"level": 3}}), qos=1)
    assert json.loads(d.wait_message(5).payload)["code"] == 200
    events = cli_json(platform, "device", "events", *one, "--identifier", "alarm")
    assert [(e["identifier"], e["value"]) for e in events["items"]] == [("alarm", {"level": 3})], events
    header, *rows = cli(platform, "device", "events", *one).stdout.splitlines()
    assert header.split() == ["TIME", "IDENTIFIER", "TYPE", "VALUE"], header
    assert rows[0].split()[1:] == ["alarm", "alert", '{"level":3}'], rows

    # A property set reaches the device, which never subscribed.
    r = cli_json(platform, "device", "set", *one, "--params", '{"temperature":25}')
    m = d.wait_message(5)
    assert m.topic == f"{sys}/thing/service/property/set"
    req = json.loads(m.payload)
    assert req["method"] == "thing.service.property.set" and req["params"] == {"temperature": 25}
    assert req["id"] == r["messageId"]
    out = cli(platform, "device", "set", *one, "--params", '{"temperature":26}').stdout
    assert out.startswith("messageId: "), out
    assert json.loads(d.wait_message(5).payload)["params"] == {"temperature": 26}
    # Refused by the model: the API's message, exit 1.
    r = cli(platform, "device", "set", *one, "--params", '{"temperature":999}', rc=1)
    assert r.stderr.startswith("thingstead: 400 ") and "temperature" in r.stderr, r.stderr
    # Not JSON: a usage error naming the option, nothing sent.
    r = cli(platform, "device", "set", *one, "--params", '{"temperature":', rc=2)
    assert "--params: not valid JSON" in r.stderr, r.stderr
    d.expect_none(0.3)

    # A synchronous service: the device answers over RRPC while the CLI waits.
    proc = subprocess.Popen([_thingstead_bin(), "device", "invoke", *one, "--service", "calc",
                             "--params", '{"a":3}', "--timeout-ms", "5000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(platform))
    try:
        m = d.wait_message(5)
        assert m.topic.startswith(f"{sys}/rrpc/request/"), m.topic
        assert json.loads(m.payload)["params"] == {"a": 3}
        msg_id = m.topic.rsplit("/", 1)[1]
        d.publish(f"{sys}/rrpc/response/{msg_id}",
                  json.dumps({"id": msg_id, "code": 200, "data": {"sum": 7}}), qos=1)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert json.loads(out) == {"messageId": msg_id, "code": 200, "data": {"sum": 7}, "message": ""}
    r = cli(platform, "device", "invoke", *one, "--service", "nosuch", rc=1)
    assert r.stderr.startswith("thingstead: 404 ServiceNotFound"), r.stderr

    # The shadow: desired state set from the CLI is pushed to the device.
    shadow = cli_json(platform, "device", "shadow", *one, "--desired", '{"color":"green"}')
    assert shadow["state"]["desired"] == {"color": "green"}, shadow
    m = d.wait_message(5)
    assert m.topic == f"/shadow/get/{pk}/{dn}"
    assert json.loads(m.payload)["payload"]["state"]["desired"] == {"color": "green"}
    got = json.loads(cli(platform, "device", "shadow", *one).stdout)
    assert got["state"]["desired"] == {"color": "green"} and got["version"] == shadow["version"]
    r = cli(platform, "device", "shadow", *one, "--desired", '{"color":"red"}',
            "--version", str(shadow["version"]), rc=1)
    assert r.stderr.startswith("thingstead: 409 VersionConflict"), r.stderr
    again = cli_json(platform, "device", "shadow", *one, "--desired", '{"color":"blue"}',
                     "--version", str(shadow["version"] + 1))
    assert again["version"] == shadow["version"] + 1
    r = cli(platform, "device", "shadow", *one, "--desired", "[1]", rc=2)
    assert "--desired: must be a JSON object" in r.stderr, r.stderr


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


# ---------------------------------------------------------------- rules
def test_rule_commands(platform, tmp_path):
    sql = 'SELECT temp * 2 AS d, deviceName() AS dev FROM "cli/+/data" WHERE temp > 10'
    rule = cli_json(platform, "rule", "create", "--name", "cli-rule", "--sql", sql,
                    "--action", '{"type":"republish","topic":"cli/out/${dev}"}')
    rid = str(rule["id"])
    assert rule["enabled"] is True and rule["source"] == "cli/+/data"
    assert rule["actions"] == [{"type": "republish", "topic": "cli/out/${dev}"}]

    listed = cli_json(platform, "rule", "list")
    assert [r["name"] for r in listed["items"]] == ["cli-rule"]

    off = cli_json(platform, "rule", "disable", rid)
    assert off["enabled"] is False and off["stats"] is None
    on = cli_json(platform, "rule", "enable", rid)
    assert on["enabled"] is True and on["stats"]["matched"] == 0

    changed = cli_json(platform, "rule", "update", rid, "--sql", sql.replace("> 10", "> 20"))
    assert "> 20" in changed["sql"]

    dry = cli_json(platform, "rule", "test", "--sql", sql, "--topic", "cli/x/data",
                   "--payload", '{"temp": 21}', "--device-name", "d1")
    assert dry["matched"] is True and dry["rows"] == [{"d": 42, "dev": "d1"}], dry

    # A rule from a file, as the API takes it.
    f = tmp_path / "rule.json"
    f.write_text(json.dumps({"name": "from-file", "sql": 'SELECT * FROM "f/#"', "enabled": False}))
    from_file = cli_json(platform, "rule", "create", "--file", str(f))
    assert from_file["enabled"] is False

    # Errors name the problem: bad SQL (located, from the API), bad --action
    # JSON (from the CLI, nothing sent), an unknown rule.
    r = cli(platform, "rule", "create", "--name", "bad", "--sql", "SELECT FROM x", rc=1)
    assert "InvalidRuleSql" in r.stderr and "line 1, column" in r.stderr, r.stderr
    r = cli(platform, "rule", "create", "--name", "bad", "--sql", sql, "--action", "{nope", rc=2)
    assert "--action" in r.stderr, r.stderr
    r = cli(platform, "rule", "get", "424242", rc=1)
    assert "RuleNotFound" in r.stderr

    cli(platform, "rule", "delete", rid)
    cli(platform, "rule", "get", rid, rc=1)
