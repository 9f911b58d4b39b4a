#!/usr/bin/env node
// MQTT.js device that signs in the Alibaba way (PROTOCOL.md 1.2): clientId
// "{cid}|securemode=3,signmethod=...,timestamp=...|", username "{dn}&{pk}",
// password = hex HMAC over "clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}".
// Prints one JSON object per line:
//   {"event":"connected"}                       CONNACK 0
//   {"event":"refused","code":N}                CONNACK refused (N = return/reason code)
//   {"event":"ready","granted":[...]}           after SUBACK (--sub)
//   {"event":"published"}                       after the QoS 1 PUBLISH is acked (--pub)
//   {"event":"message","topic":..,"payload":..} one message on --sub
//   {"event":"done"} | {"event":"error"|"timeout",...}
//
//   node js/signed.js --url mqtt://127.0.0.1:1883 --pk PK --dn DN --secret S
//        [--method hmacsha256|hmacsha1|hmacmd5] [--upper 1] [--version 4|5]
//        [--sub topic] [--pub topic] [--payload text] [--timeout ms]
'use strict';
const crypto = require('crypto');
const mqtt = require('mqtt');

const args = { method: 'hmacsha256', upper: '0', version: '4', timeout: '10000', payload: 'hello-from-mqttjs' };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const algo = { hmacmd5: 'md5', hmacsha1: 'sha1', hmacsha256: 'sha256' }[args.method.toLowerCase()];
const cid = args.cid || `${args.pk}.${args.dn}`;
const ts = String(Date.now());
let password = crypto.createHmac(algo, args.secret)
  .update(`clientId${cid}deviceName${args.dn}productKey${args.pk}timestamp${ts}`).digest('hex');
if (args.upper === '1') password = password.toUpperCase();

const timer = setTimeout(() => { out({ event: 'timeout' }); process.exit(1); }, Number(args.timeout));
const client = mqtt.connect(args.url, {
  protocolVersion: Number(args.version),
  clientId: `${cid}|securemode=3,signmethod=${args.method},timestamp=${ts},lan=NodeJS|`,
  username: `${args.dn}&${args.pk}`,
  password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  clean: true,
  keepalive: 60,
});

const finish = (code) => {
  clearTimeout(timer);
  client.end(false, () => process.exit(code));
  setTimeout(() => process.exit(code), 1000);
};

client.on('error', (err) => {
  if (err && typeof err.code === 'number') out({ event: 'refused', code: err.code, error: String(err.message) });
  else out({ event: 'error', error: String(err && err.message ? err.message : err) });
  clearTimeout(timer);
  process.exit(2);
});

client.on('message', (topic, payload) => {
  out({ event: 'message', topic, payload: payload.toString() });
  out({ event: 'done' });
  finish(0);
});

client.on('connect', async () => {
  out({ event: 'connected' });
  try {
    if (args.sub) {
      const granted = await client.subscribeAsync(args.sub, { qos: 1 });
      out({ event: 'ready', granted: granted.map((g) => g.qos) });
    }
    if (args.pub) {
      await client.publishAsync(args.pub, args.payload, { qos: 1 });
      out({ event: 'published' });
    }
    if (!args.sub) {
      out({ event: 'done' });
      finish(0);
    }
  } catch (err) {
    out({ event: 'error', error: String(err && err.message ? err.message : err) });
    process.exit(2);
  }
});
