#!/usr/bin/env node
// alibabacloud-iot-device-sdk device with a real triple registered through the
// API. It subscribes to /<pk>/<dn>/user/get, publishes to
// /<pk>/<dn>/user/update and waits for one message on the get topic.
//   node js/alibaba_device.js --url mqtt://127.0.0.1:1883 --pk PK --dn DN --secret S
//        [--alg sha1|sha256|md5] [--timeout ms]
// For TLS use --url mqtts://127.0.0.1:<port> and point Node at the test CA with
// NODE_EXTRA_CA_CERTS (the SDK has no CA option of its own).
// Output, one JSON object per line: {"event":"connected"}, {"event":"subscribed","granted":[..]},
// {"event":"ready"}, {"event":"done","topic","payload"} | {"event":"error"|"timeout"|"close"}.
'use strict';
const iot = require('alibabacloud-iot-device-sdk');

const args = { timeout: 10000 };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const timer = setTimeout(() => { out({ event: 'timeout' }); process.exit(1); }, Number(args.timeout));
const config = {
  productKey: args.pk,
  deviceName: args.dn,
  deviceSecret: args.secret,
  brokerUrl: args.url,
  keepalive: 30,
};
if (args.alg) config.signAlgorithm = args.alg;
const device = iot.device(config);
const getTopic = `/${args.pk}/${args.dn}/user/get`;
const updateTopic = `/${args.pk}/${args.dn}/user/update`;
let connected = false;
device.on('error', (err) => { out({ event: 'error', error: String(err) }); process.exit(2); });
device.on('close', () => {
  // The SDK reconnects forever on its own; a refused or dropped connection
  // before 'connect' is reported once and ends the run.
  if (!connected) { out({ event: 'close' }); process.exit(3); }
});
device.on('connect', () => {
  connected = true;
  out({ event: 'connected' });
  device.subscribe(getTopic, { qos: 1 }, (err, granted) => {
    if (err) { out({ event: 'error', error: String(err) }); process.exit(2); }
    out({ event: 'subscribed', granted: (granted || []).map((g) => g.qos) });
    device.publish(updateTopic, JSON.stringify({ temperature: 21.5, dn: args.dn }), { qos: 1 }, (perr) => {
      if (perr) { out({ event: 'error', error: String(perr) }); process.exit(2); }
      out({ event: 'ready', getTopic, updateTopic });
    });
  });
});
device.on('message', (topic, payload) => {
  if (topic !== getTopic) return;
  out({ event: 'done', topic, payload: payload.toString() });
  clearTimeout(timer);
  device.end(false, () => process.exit(0));
  setTimeout(() => process.exit(0), 500);
});
