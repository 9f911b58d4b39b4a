#!/usr/bin/env node
// MQTT.js client driven by the pytest suite. Prints one JSON object per line
// on stdout: {"event":"ready"} once subscribed (sub/roundtrip modes), then
// {"event":"done", ...} or {"event":"error"|"timeout", ...}. Exit code 0 on success.
//
//   node js/client.js --url mqtt://127.0.0.1:1883 --mode sub|pub|roundtrip
//        [--version 4|5] [--topic t] [--qos 0|1|2] [--count N] [--prefix p]
//        [--ca cert.pem] [--timeout ms]
'use strict';
const fs = require('fs');
const mqtt = require('mqtt');

function parseArgs(argv) {
  const a = { version: 4, topic: 'js/test', qos: 0, count: 1, prefix: 'js', timeout: 10000, mode: 'roundtrip' };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    a[k] = argv[i + 1];
  }
  for (const k of ['version', 'qos', 'count', 'timeout']) a[k] = Number(a[k]);
  if (a.port && !a.url) a.url = `mqtt://127.0.0.1:${a.port}`;
  return a;
}

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

async function main() {
  const args = parseArgs(process.argv);
  const opts = {
    protocolVersion: args.version,
    clientId: `mqttjs-${args.mode}-${process.pid}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    clean: true,
  };
  if (args.ca) {
    opts.ca = fs.readFileSync(args.ca);
    opts.rejectUnauthorized = true;
  }
  const received = [];
  const timer = setTimeout(() => {
    out({ event: 'timeout', received });
    process.exit(1);
  }, args.timeout);

  const client = await mqtt.connectAsync(args.url, opts);
  let resolveAll;
  const allReceived = new Promise((r) => { resolveAll = r; });
  client.on('message', (topic, payload, packet) => {
    received.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
    if (received.length >= args.count) resolveAll();
  });

  if (args.mode === 'sub' || args.mode === 'roundtrip') {
    const granted = await client.subscribeAsync(args.topic, { qos: args.qos });
    out({ event: 'ready', granted: granted.map((g) => g.qos) });
  }
  if (args.mode === 'pub' || args.mode === 'roundtrip') {
    for (let i = 0; i < args.count; i++) {
      await client.publishAsync(args.topic, `${args.prefix}-${i}`, { qos: args.qos });
    }
  }
  if (args.mode === 'sub' || args.mode === 'roundtrip') {
    await allReceived;
  }
  await client.endAsync();
  clearTimeout(timer);
  out({ event: 'done', received, published: args.mode === 'sub' ? 0 : args.count });
}

main().catch((err) => {
  out({ event: 'error', error: String(err && err.message ? err.message : err) });
  process.exit(2);
});
