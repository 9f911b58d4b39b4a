#!/usr/bin/env node
// alibabacloud-iot-device-sdk device pointed at our broker (brokerUrl).
// It connects with the SDK's signed client id / username / password (the
// broker runs with anonymous access, so the credentials are simply carried),
// subscribes to /<pk>/<dn>/user/get, publishes to /<pk>/<dn>/user/update and
// waits for one message on the get topic.
//   node js/alibaba.js --url mqtt://127.0.0.1:1883 [--pk a1Product] [--dn dev1]
'use strict';
const iot = require('alibabacloud-iot-device-sdk');

const args = { pk: 'a1TestProduct', dn: 'device1', timeout: 10000 };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const timer = setTimeout(() => { out({ event: 'timeout' }); process.exit(1); }, Number(args.timeout));
const device = iot.device({
  productKey: args.pk,
  deviceName: args.dn,
  deviceSecret: 'not-a-real-secret',
  brokerUrl: args.url,
  keepalive: 30,
});
const getTopic = `/${args.pk}/${args.dn}/user/get`;
const updateTopic = `/${args.pk}/${args.dn}/user/update`;
device.on('error', (err) => { out({ event: 'error', error: String(err) }); process.exit(2); });
device.on('connect', () => {
  device.subscribe(getTopic, { qos: 1 }, (err) => {
    if (err) { out({ event: 'error', error: String(err) }); process.exit(2); }
    device.publish(updateTopic, JSON.stringify({ temperature: 21.5 }), { qos: 1 }, (perr) => {
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
