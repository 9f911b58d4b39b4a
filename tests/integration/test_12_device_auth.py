"""Alibaba-compatible device sign-in (PROTOCOL.md 1.2-1.6), refusal codes,
sign-in throttling, application clients and anonymous access."""

from __future__ import annotations

import ssl
import time

import pytest

import mqttraw as raw
from clitools import LineProcess
from conftest import device_login, sign_hex
from pahoclient import V5, V311, unique_id

pytestmark = pytest.mark.thingstead_only("device registry and sign-in")

# Many refusals in one test: keep the per-address block out of the way.
NO_THROTTLE = pytest.mark.broker_config({"auth": {"fail_limit": 100000, "address_fail_limit": 100000}})

# CONNACK codes: (3.1.1, 5.0)
ACCEPTED = (0, 0x00)
IDENTIFIER_REJECTED = (2, 0x85)
BAD_CREDENTIALS = (4, 0x86)
NOT_AUTHORIZED = (5, 0x87)
BANNED = (5, 0x8A)
VERSIONS = [pytest.param(4, id="v311"), pytest.param(5, id="v5")]


def _setup(platform, n=1):
    api = platform.api
    pk = api.create_product()["productKey"]
    devs = [api.register(pk, f"dev_{i}") for i in range(n)]
    return api, pk, devs


def raw_connect(platform, version: int, client_id: str, username=None, password=None, **kw) -> raw.Packet:
    """CONNECT over a raw socket; returns the CONNACK.  On refusal the
    connection must be closed by the broker afterwards."""
    with raw.RawClient(platform.host, platform.port, version=version) as c:
        ack = c.connect(client_id, username=username, password=password, **kw)
        if ack.reason != 0:
            c.wait_closed(3)
        return ack


def expect_code(ack: raw.Packet, codes: tuple[int, int], version: int, what: str):
    want = codes[0] if version == 4 else codes[1]
    assert ack.reason == want, f"{what} (MQTT {version}): expected CONNACK {want:#x}, got {ack.reason:#x}"


# ---------------------------------------------------------------- successful sign-in
@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_paho_devices_sign_in_with_every_method_and_hex_case(platform, pclients, version):
    api, pk, devs = _setup(platform, 6)
    app = pclients.app()
    app.subscribe(f"/{pk}/+/user/update", qos=1)
    i = 0
    for method in ("hmacmd5", "hmacsha1", "hmacsha256"):
        for upper in (False, True):
            dev = devs[i]
            i += 1
            c = pclients.new_device(dev, version=version, method=method, upper=upper)
            flags, rc, _ = c.connect(expect_success=False)
            assert rc == 0, f"{method} upper={upper}: CONNACK {rc}"
            topic = f"/{pk}/{dev['deviceName']}/user/update"
            c.publish(topic, f"{method}-{upper}".encode(), qos=1)
            m = app.wait_message(3)
            assert (m.topic, m.payload) == (topic, f"{method}-{upper}".encode())
            c.disconnect()


@NO_THROTTLE
@pytest.mark.parametrize("version", VERSIONS)
def test_client_id_variants_of_the_sdks(platform, version):
    api, pk, (dev,) = _setup(platform)
    dn, secret = dev["deviceName"], dev["deviceSecret"]

    def content(cid, ts=None):
        s = f"clientId{cid}deviceName{dn}productKey{pk}"
        return s + (f"timestamp{ts}" if ts is not None else "")

    cases = {
        # iotkit-embedded 3.x / Link SDK 4: pk.dn, constant timestamp, UPPER hex, extra keys
        # (securemode=3: this is plain TCP; securemode=2 claims TLS, see
        # test_securemode_2_needs_tls)
        "c-sdk": (f"{pk}.{dn}|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=3,"
                  f"signmethod=hmacsha256,ext=3,_conn=tcp|",
                  sign_hex("hmacsha256", secret, content(f"{pk}.{dn}", "2524608000000"), upper=True)),
        # npm: pk&dn, ms timestamp, '|' inside a value (lan=JS|WX), trailing comma
        "npm-wx": (f"{pk}&{dn}|securemode=3,signmethod=hmacsha1,timestamp=1700000000000,lan=JS|WX,_v=1.2.8,|",
                   sign_hex("hmacsha1", secret, content(f"{pk}&{dn}", "1700000000000"))),
        # Python: seconds timestamp
        "python": (f"{pk}&{dn}|securemode=3,signmethod=hmacsha1,timestamp=1700000000,lan=Python|",
                   sign_hex("hmacsha1", secret, content(f"{pk}&{dn}", "1700000000"))),
        # no timestamp at all (optional)
        "no-timestamp": ("mydev|securemode=3,signmethod=hmacsha256|",
                         sign_hex("hmacsha256", secret, content("mydev"))),
        # no signmethod: hmacmd5 by default
        "default-md5": ("x1|securemode=3,timestamp=5|", sign_hex("hmacmd5", secret, content("x1", "5"))),
        # npm SDK bug: advertises sha256 but signs with SHA-1 (PROTOCOL.md 0.2)
        "npm-sha1-bug": (f"{pk}&{dn}|securemode=3,signmethod=hmacsha256,timestamp=1700000000001|",
                         sign_hex("hmacsha1", secret, content(f"{pk}&{dn}", "1700000000001"))),
    }
    for name, (cid, pw) in cases.items():
        ack = raw_connect(platform, version, cid, username=f"{dn}&{pk}", password=pw)
        expect_code(ack, ACCEPTED, version, name)


def test_v5_empty_client_id_gets_assigned_identifier(platform):
    """Link SDK 4 "assigned clientId": empty cid, content signs clientId + ''."""
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    pw = sign_hex("hmacsha256", dev["deviceSecret"],
                  f"clientIddeviceName{dn}productKey{pk}timestamp2524608000000", upper=True)
    with raw.RawClient(platform.host, platform.port, version=5) as c:
        ack = c.connect("|timestamp=2524608000000,_ss=1,securemode=3,signmethod=hmacsha256|",
                        username=f"{dn}&{pk}", password=pw)
        assert ack.reason == 0, ack
        assigned = ack.props.get(raw.P_ASSIGNED_CLIENT_ID)
        assert assigned, f"no Assigned Client Identifier in CONNACK: {ack.props}"


@pytest.mark.parametrize("version", [4, 5], ids=["v311", "v5"])
def test_mqttjs_signed_device(platform, pclients, node_modules, version):
    api, pk, devs = _setup(platform, 2)
    app = pclients.app()
    app.subscribe(f"/{pk}/+/user/update", qos=1)
    for dev, method, upper in ((devs[0], "hmacsha256", "1"), (devs[1], "hmacmd5", "0")):
        dn = dev["deviceName"]
        p = LineProcess(["node", "js/signed.js", "--url", f"mqtt://{platform.host}:{platform.port}",
                         "--pk", pk, "--dn", dn, "--secret", dev["deviceSecret"], "--method", method,
                         "--upper", upper, "--version", str(version),
                         "--sub", f"/{pk}/{dn}/user/get", "--pub", f"/{pk}/{dn}/user/update",
                         "--payload", f"js-{dn}"])
        try:
            assert p.next_json(10) == {"event": "connected"}
            ready = p.next_json(5)
            assert ready == {"event": "ready", "granted": [1]}, ready
            assert p.next_json(5) == {"event": "published"}
            m = app.wait_message(3)
            assert (m.topic, m.payload) == (f"/{pk}/{dn}/user/update", f"js-{dn}".encode())
            api.publish(f"/{pk}/{dn}/user/get", b"to-js", qos=1)
            got = p.next_json(5)
            assert got == {"event": "message", "topic": f"/{pk}/{dn}/user/get", "payload": "to-js"}, got
            assert p.wait(5) == 0
        finally:
            p.stop()


@pytest.mark.parametrize("version", [4, 5], ids=["v311", "v5"])
def test_mqttjs_wrong_secret_refused(platform, node_modules, version):
    api, pk, (dev,) = _setup(platform)
    p = LineProcess(["node", "js/signed.js", "--url", f"mqtt://{platform.host}:{platform.port}",
                     "--pk", pk, "--dn", dev["deviceName"], "--secret", dev["deviceSecret"] + "x",
                     "--version", str(version)])
    try:
        r = p.next_json(10)
        want = BAD_CREDENTIALS[0] if version == 4 else BAD_CREDENTIALS[1]
        assert r.get("event") == "refused" and r.get("code") == want, r
    finally:
        p.stop()


# ---------------------------------------------------------------- refusals
@NO_THROTTLE
@pytest.mark.parametrize("version", VERSIONS)
def test_refusal_codes(platform, version):
    api, pk, devs = _setup(platform, 2)
    dev, victim = devs
    dn, secret = dev["deviceName"], dev["deviceSecret"]
    cid, user, pw = device_login(pk, dn, secret)

    expect_code(raw_connect(platform, version, cid, user, pw), ACCEPTED, version, "control: right credentials")

    wrong = device_login(pk, dn, secret + "0")
    expect_code(raw_connect(platform, version, *wrong), BAD_CREDENTIALS, version, "wrong secret")
    other = device_login(pk, dn, victim["deviceSecret"])
    expect_code(raw_connect(platform, version, *other), BAD_CREDENTIALS, version, "another device's secret")
    expect_code(raw_connect(platform, version, cid, user, pw[:-1]), BAD_CREDENTIALS, version, "truncated signature")
    expect_code(raw_connect(platform, version, cid, user, None), BAD_CREDENTIALS, version, "no password")
    # signature valid for one timestamp, clientId claims another
    expect_code(raw_connect(platform, version, cid.replace("1700000000000", "1700000000001"), user, pw),
                BAD_CREDENTIALS, version, "timestamp changed after signing")
    sha512 = cid.replace("signmethod=hmacsha256", "signmethod=hmacsha512")
    expect_code(raw_connect(platform, version, sha512, user, pw), BAD_CREDENTIALS, version, "unknown signmethod")

    for bad_user in (f"{dn}{pk}", f"{dn}&{pk}&x", f"&{pk}", f"{dn}&", "justaname"):
        expect_code(raw_connect(platform, version, cid, bad_user, pw), BAD_CREDENTIALS, version,
                    f"malformed username {bad_user!r}")

    unknown = device_login(pk, "no_such_dev", secret)
    expect_code(raw_connect(platform, version, *unknown), NOT_AUTHORIZED, version, "unknown device")
    unknown_pk = device_login("nosuchpk01", dn, secret)
    expect_code(raw_connect(platform, version, *unknown_pk), NOT_AUTHORIZED, version, "unknown product")

    for bad_cid in (f"{pk}.{dn}", f"{pk}.{dn}|securemode=3,signmethod=hmacsha256", f"{pk}.{dn}|x|tail"):
        expect_code(raw_connect(platform, version, bad_cid, user, pw), IDENTIFIER_REJECTED, version,
                    f"clientId without a parameter block {bad_cid!r}")

    api.post(f"/products/{pk}/devices/{dn}:disable", expect=200)
    expect_code(raw_connect(platform, version, cid, user, pw), NOT_AUTHORIZED, version, "disabled device")
    api.post(f"/products/{pk}/devices/{dn}:enable", expect=200)
    expect_code(raw_connect(platform, version, cid, user, pw), ACCEPTED, version, "re-enabled device")

    api.delete(f"/products/{pk}/devices/{dn}", expect=200)
    expect_code(raw_connect(platform, version, cid, user, pw), NOT_AUTHORIZED, version, "deleted device")


@NO_THROTTLE
@pytest.mark.parametrize("version", VERSIONS)
def test_anonymous_refused_without_allow_anonymous(platform, version):
    ack = raw_connect(platform, version, unique_id("anon"))
    assert ack.reason in ((4, 5) if version == 4 else (0x86, 0x87)), f"anonymous CONNACK {ack.reason:#x}"
    ack = raw_connect(platform, version, unique_id("anon"), username="someone", password=b"pw")
    expect_code(ack, BAD_CREDENTIALS, version, "non-device, non-app username")


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_anonymous_still_accepted_by_development_broker(broker, clients, version):
    """The `broker` fixture passes --allow-anonymous: the existing suite's clients work."""
    c = clients.connected(version=version)
    c.subscribe("anon/t")
    c.publish("anon/t", b"x")
    assert c.wait_message(3).payload == b"x"


# ---------------------------------------------------------------- application clients
@NO_THROTTLE
@pytest.mark.parametrize("version", VERSIONS)
def test_application_clients(platform, pclients, version):
    pv = V311 if version == 4 else V5
    app = pclients.app("app", version=pv)
    named = pclients.app("app:backend", version=pv)
    if pv == V5:
        granted = [g.value for g in app.subscribe("/as/mqtt/status/#", qos=1)]
        granted += [g.value for g in app.subscribe("/+/+/user/#", qos=1)]
    else:
        granted = app.subscribe("/as/mqtt/status/#", qos=1) + app.subscribe("/+/+/user/#", qos=1)
    assert granted == [1, 1], granted
    named.publish("/pkx/dnx/user/get", b"from-app", qos=1)
    m = app.wait_message(3)
    assert (m.topic, m.payload) == ("/pkx/dnx/user/get", b"from-app")

    cid = unique_id("app")
    expect_code(raw_connect(platform, version, cid, "app", platform.admin_token + "x"), BAD_CREDENTIALS,
                version, "app with wrong token")
    expect_code(raw_connect(platform, version, cid, "app:backend", b"wrong"), BAD_CREDENTIALS, version,
                "app:name with wrong token")
    expect_code(raw_connect(platform, version, cid, "app", None), BAD_CREDENTIALS, version, "app without password")
    expect_code(raw_connect(platform, version, cid, "app", platform.admin_token), ACCEPTED, version, "raw app ok")


# ---------------------------------------------------------------- throttling
@pytest.mark.broker_config({"auth": {"fail_limit": 3, "fail_window_s": 60, "block_s": 2}})
@pytest.mark.parametrize("version", VERSIONS)
def test_failed_sign_ins_block_that_identity_from_that_address(platform, version):
    api, pk, (dev, neighbour) = _setup(platform, 2)
    good = device_login(pk, dev["deviceName"], dev["deviceSecret"])
    bad = device_login(pk, dev["deviceName"], "wrong-secret")
    expect_code(raw_connect(platform, version, *good), ACCEPTED, version, "before any failure")
    for i in range(3):
        expect_code(raw_connect(platform, version, *bad), BAD_CREDENTIALS, version, f"failure {i + 1}")
    blocked_at = time.monotonic()
    # now blocked: even the right credentials of that device are refused ...
    expect_code(raw_connect(platform, version, *good), BANNED, version, "right secret while blocked")
    # ... but not other identities from the same address
    expect_code(raw_connect(platform, version, unique_id("app"), "app", platform.admin_token), ACCEPTED, version,
                "application client while the device is blocked")
    expect_code(raw_connect(platform, version, *device_login(pk, neighbour["deviceName"],
                                                             neighbour["deviceSecret"])),
                ACCEPTED, version, "another device while the device is blocked")
    # the block ends after block_s
    deadline = blocked_at + 6
    while True:
        ack = raw_connect(platform, version, *good)
        if ack.reason == 0:
            break
        assert ack.reason == (BANNED[0] if version == 4 else BANNED[1]), ack
        assert time.monotonic() < deadline, "still blocked 6 s after a 2 s block"
        time.sleep(0.25)
    assert time.monotonic() - blocked_at >= 1.5, "the block lifted too early"


@pytest.mark.parametrize("version", VERSIONS)
def test_default_limit_is_ten_failures(platform, version):
    api, pk, (dev,) = _setup(platform)
    good = device_login(pk, dev["deviceName"], dev["deviceSecret"])
    bad = device_login(pk, dev["deviceName"], "wrong-secret")
    for i in range(9):
        expect_code(raw_connect(platform, version, *bad), BAD_CREDENTIALS, version, f"failure {i + 1}")
    expect_code(raw_connect(platform, version, *good), ACCEPTED, version, "after 9 failures")
    expect_code(raw_connect(platform, version, *bad), BAD_CREDENTIALS, version, "failure 10")
    expect_code(raw_connect(platform, version, *good), BANNED, version, "after 10 failures")


@pytest.mark.parametrize("version", VERSIONS)
def test_wrong_secret_retried_does_not_lock_out_nat_neighbours(platform, version):
    """Alibaba's C SDK retries a refused CONNECT (8 times, 2 s apart): with
    default settings a device with a wrong secret, retried past fail_limit,
    is blocked, while another device behind the same address (127.0.0.1)
    still signs in."""
    api, pk, (broken, neighbour) = _setup(platform, 2)
    bad = device_login(pk, broken["deviceName"], "wrong-secret")
    good = device_login(pk, neighbour["deviceName"], neighbour["deviceSecret"])
    for i in range(10):
        expect_code(raw_connect(platform, version, *bad), BAD_CREDENTIALS, version, f"failure {i + 1}")
    for i in range(3):
        expect_code(raw_connect(platform, version, *bad), BANNED, version, f"retry {i + 1} while blocked")
        expect_code(raw_connect(platform, version, *good), ACCEPTED, version, "the NAT neighbour")
    metrics = platform.api.get("/metrics", expect=200).raw.decode()
    assert 'thingstead_auth_refused_total{reason="bad_signature"} 10' in metrics, metrics
    assert 'thingstead_auth_throttled_total{scope="identity"} 3' in metrics, metrics


@pytest.mark.broker_config({"auth": {"fail_limit": 3, "address_fail_limit": 6}})
@pytest.mark.parametrize("version", VERSIONS)
def test_address_blocked_at_its_own_higher_limit(platform, version):
    """Guessing across many identities from one address: after
    address_fail_limit failures every sign-in from there is refused."""
    api, pk, (dev,) = _setup(platform)
    for i in range(6):
        unknown = device_login(pk, f"guess_{i}", "secret")
        expect_code(raw_connect(platform, version, *unknown), NOT_AUTHORIZED, version, f"guess {i + 1}")
    expect_code(raw_connect(platform, version, *device_login(pk, dev["deviceName"], dev["deviceSecret"])),
                BANNED, version, "a registered device from the blocked address")
    expect_code(raw_connect(platform, version, unique_id("app"), "app", platform.admin_token), BANNED, version,
                "an application from the blocked address")
    metrics = platform.api.get("/metrics", expect=200).raw.decode()
    assert 'thingstead_auth_throttled_total{scope="address"} 2' in metrics, metrics


@NO_THROTTLE
def test_repeated_refusals_are_summarised_in_the_log(platform):
    api, pk, (dev,) = _setup(platform)
    long_cid = f"{pk}.{dev['deviceName']}" + "x" * 300
    bad = device_login(pk, dev["deviceName"], "wrong-secret", cid=long_cid)
    started = time.monotonic()
    for _ in range(40):
        expect_code(raw_connect(platform, 4, *bad), BAD_CREDENTIALS, 4, "wrong secret")
    elapsed = time.monotonic() - started
    lines = [ln for ln in platform.log.splitlines() if "refused:" in ln and "remote=127.0.0.1" in ln]
    # one line per address per 10 s interval, whatever the machine's speed
    assert 1 <= len(lines) <= 1 + int(elapsed // 10) + 1, "\n".join(lines)
    assert long_cid not in platform.log, "identifiers are cut"
    assert long_cid[:64] + "\u2026" in lines[0], lines[0]
    metrics = platform.api.get("/metrics", expect=200).raw.decode()
    assert 'thingstead_auth_refused_total{reason="bad_signature"} 40' in metrics, metrics


# ---------------------------------------------------------------- securemode, clock skew
def _tls_connect(platform, version, cid, user, pw):
    ctx = ssl.create_default_context(cafile=platform.ca_file)
    c = raw.RawClient(platform.host, platform.tls_port, version=version)
    c.sock = ctx.wrap_socket(c.sock, server_hostname="localhost")
    with c:
        ack = c.connect(cid, username=user, password=pw)
        if ack.reason != 0:
            c.wait_closed(3)
        return ack


@pytest.mark.tls
@pytest.mark.parametrize("version", VERSIONS)
def test_securemode_2_needs_tls(platform, version):
    """securemode=2 is Alibaba's TLS mode: over plain TCP it is refused, over TLS accepted."""
    api, pk, (dev,) = _setup(platform)
    login = device_login(pk, dev["deviceName"], dev["deviceSecret"], securemode=2)
    expect_code(raw_connect(platform, version, *login), NOT_AUTHORIZED, version, "securemode=2 over plain TCP")
    assert "securemode=2 (TLS) claimed over plain tcp" in platform.log
    expect_code(_tls_connect(platform, version, *login), ACCEPTED, version, "securemode=2 over TLS")
    plain = device_login(pk, dev["deviceName"], dev["deviceSecret"], securemode=3)
    expect_code(raw_connect(platform, version, *plain), ACCEPTED, version, "securemode=3 over plain TCP")


@NO_THROTTLE
@pytest.mark.broker_config({"auth": {"max_clock_skew_s": 300}})
@pytest.mark.parametrize("version", VERSIONS)
def test_max_clock_skew_refuses_stale_signed_connects(platform, version):
    api, pk, (dev,) = _setup(platform)
    dn, secret = dev["deviceName"], dev["deviceSecret"]
    now_ms = int(time.time() * 1000)
    fresh = device_login(pk, dn, secret, timestamp=str(now_ms))
    expect_code(raw_connect(platform, version, *fresh), ACCEPTED, version, "timestamp now (ms)")
    seconds = device_login(pk, dn, secret, timestamp=str(now_ms // 1000 - 60))
    expect_code(raw_connect(platform, version, *seconds), ACCEPTED, version, "a minute ago (s, Python SDK)")
    for what, ts in (("an hour ago", str(now_ms - 3_600_000)), ("an hour ahead", str(now_ms + 3_600_000)),
                     ("the C SDKs' constant", "2524608000000"), ("missing", None)):
        stale = device_login(pk, dn, secret, timestamp=ts)
        expect_code(raw_connect(platform, version, *stale), BAD_CREDENTIALS, version, what)


# ---------------------------------------------------------------- reserved client ids
@NO_THROTTLE
@pytest.mark.parametrize("version", VERSIONS)
def test_application_may_not_take_a_devices_session(platform, pclients, version):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    with raw.RawClient(platform.host, platform.port, version=version) as device:
        cid, user, pw = device_login(pk, dn, dev["deviceSecret"])
        assert device.connect(cid, username=user, password=pw).reason == 0
        for reserved in (f"device:{pk}/{dn}", "ts-1a2b3c-7"):
            expect_code(raw_connect(platform, version, reserved, "app", platform.admin_token),
                        IDENTIFIER_REJECTED, version, f"app with client id {reserved}")
        assert "client id is reserved for the platform" in platform.log
        # the device was not kicked: it still answers a ping
        device.send(raw.pingreq())
        assert device.read_packet(3).type == raw.PINGRESP
    expect_code(raw_connect(platform, version, unique_id("backend"), "app", platform.admin_token), ACCEPTED,
                version, "an ordinary application client id")


@pytest.mark.parametrize("version", VERSIONS)
def test_anonymous_may_not_take_a_reserved_client_id(broker, version):
    with raw.RawClient(broker.host, broker.port, version=version) as c:
        ack = c.connect("device:pk/dn")
        expect_code(ack, IDENTIFIER_REJECTED, version, "anonymous with a device session key")


# ---------------------------------------------------------------- one connection per device
def test_second_login_of_a_device_takes_over(platform, pclients):
    """PROTOCOL.md 1.3: a new login with the same identity kicks the old one,
    even under another clientId."""
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    with raw.RawClient(platform.host, platform.port, version=5) as first:
        cid, user, pw = device_login(pk, dn, dev["deviceSecret"], cid="first")
        ack = first.connect(cid, username=user, password=pw)
        assert ack.reason == 0, ack
        second = pclients.device(dev, version=V5, cid="second")
        seen = first.wait_closed(3)
        disc = [p for p in seen if p.type == raw.DISCONNECT]
        assert disc and disc[0].reason == 0x8E, f"expected DISCONNECT 0x8E (session taken over), saw {seen}"
    assert second.connected.is_set()
