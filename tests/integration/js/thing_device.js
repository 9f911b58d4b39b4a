#!/usr/bin/env node
// A device on Alibaba's Node.js SDK (alibabacloud-iot-device-sdk), driven by
// the test over stdin/stdout, one JSON object per line.
//   node js/thing_device.js --url mqtt://127.0.0.1:1883 --pk PK --dn DN --secret S
//
// Commands (stdin):
//   {"cmd":"postProps","params":{...}}          -> {"event":"reply","cmd":"postProps","res":{...}}
//   {"cmd":"postEvent","name":"alarm","params":{...}} -> reply
//   {"cmd":"postTags","tags":[{attrKey,attrValue}]}  -> reply
//   {"cmd":"deleteTags","keys":["k"]}           -> reply
//   {"cmd":"getConfig"}                          -> reply
//   {"cmd":"getShadow"} / {"cmd":"postShadow","reported":{...}} -> shadow events come as
//       {"event":"shadow","res":{...}}
//   {"cmd":"serve","service":"reboot","reply":{"code":200,"data":{...}},"type":"async"|"sync"}
//       registers onService: each call is reported as {"event":"service","service","res"} and
//       answered with `reply` (the SDK's reply function, async or sync/RRPC)
//   {"cmd":"end"}
// Unprompted: {"event":"connected"}, {"event":"props","res":{...}} for a property set (answered
// with code 200), {"event":"config","res":{...}} for a config push, {"event":"error"}.
'use strict';
const readline = require('readline');
const iot = require('alibabacloud-iot-device-sdk');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const device = iot.device({
  productKey: args.pk,
  deviceName: args.dn,
  deviceSecret: args.secret,
  brokerUrl: args.url,
  keepalive: 30,
});

device.on('connect', () => out({ event: 'connected' }));
device.on('error', (err) => out({ event: 'error', error: String(err) }));
device.onProps((res) => {
  out({ event: 'props', res });
  // What a real device does: apply, then answer on set_reply.
  device.publish(`/sys/${args.pk}/${args.dn}/thing/service/property/set_reply`,
    JSON.stringify({ id: res.id, code: 200, data: {} }), { qos: 0 });
});
device.onShadow((res) => out({ event: 'shadow', res }));
device.onConfig((res) => out({ event: 'config', res }));

const reply = (cmd) => (res) => out({ event: 'reply', cmd, res });

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let c;
  try { c = JSON.parse(line); } catch (e) { out({ event: 'error', error: `bad command ${line}` }); return; }
  switch (c.cmd) {
    case 'postProps': device.postProps(c.params, reply('postProps')); break;
    case 'postEvent': device.postEvent(c.name, c.params, reply('postEvent')); break;
    case 'postTags': device.postTags(c.tags, reply('postTags')); break;
    case 'deleteTags': device.deleteTags(c.keys, reply('deleteTags')); break;
    case 'getConfig': device.getConfig(reply('getConfig')); break;
    case 'getShadow': device.getShadow(); break;
    case 'postShadow': device.postShadow(c.reported); break;
    case 'serve':
      device.onService(c.service, (res, answer) => {
        out({ event: 'service', service: c.service, res });
        answer(Object.assign({ id: res.id }, c.reply), c.type || 'async');
      });
      out({ event: 'serving', service: c.service });
      break;
    case 'end':
      device.end(false, () => process.exit(0));
      setTimeout(() => process.exit(0), 500);
      break;
    default: out({ event: 'error', error: `unknown command ${c.cmd}` });
  }
});
rl.on('close', () => process.exit(0));
