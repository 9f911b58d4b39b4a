#!/usr/bin/env node
// The web console end to end, as an operator uses it: Debian's chromium
// (headless, driven by playwright-core) against the real platform, and a
// real MQTT.js device signing in the Alibaba way.
//
//   log in → create a product with a `temperature` float property →
//   register a device → reveal its secret → connect it over MQTT → see it
//   turn online and a posted value appear without a reload → set a property
//   and see the device receive it → create a rule and dry-run it → overview;
//   then the main pages on a 390-pixel-wide phone screen, none wider than it.
//
// Screenshots of the main pages go to SHOTS (a build folder). Prints one JSON
// line per step; exits 1 with {"event":"failed",...} (and a screenshot
// failure-*.png) on the first step that does not hold.
//
//   URL=http://127.0.0.1:8080 TOKEN=... MQTT_URL=mqtt://127.0.0.1:1883 SHOTS=dir node js/console_e2e.mjs
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const mqtt = require("mqtt");

const base = process.env.URL;
const token = process.env.TOKEN;
const mqttUrl = process.env.MQTT_URL;
const shots = process.env.SHOTS;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
fs.mkdirSync(shots, { recursive: true });
fs.rmSync(path.join(shots, "failure.png"), { force: true });

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const suffix = crypto.randomBytes(3).toString("hex");
const productName = `e2e_${suffix}`;
const deviceName = `sensor_${suffix}`;
let page; // the page a failure screenshot is taken of
let step = "start";

function check(cond, what) {
  if (!cond) throw new Error(what);
}

async function shot(p, name) {
  // A full-page capture draws sticky bars (the header, the thing model's
  // save bar) where the viewport happened to be: lay them out in place.
  await p.evaluate(() => window.scrollTo(0, 0));
  const unstick = await p.addStyleTag({ content: ".topbar, .tsl-footer { position: static !important; }" });
  await p.screenshot({ path: path.join(shots, name + ".png"), fullPage: true });
  await unstick.evaluate((el) => el.remove());
  out({ event: "screenshot", name });
}

async function login(p) {
  await p.goto(base + "/");
  await p.getByLabel("Admin token").fill(token);
  await p.getByRole("button", { name: "Log in" }).click();
  await p.locator("header.topbar").waitFor();
}

// Alibaba device sign-in (PROTOCOL.md 1.2) with MQTT.js.
function connectDevice(pk, dn, secret) {
  const cid = `${pk}.${dn}`;
  const ts = String(Date.now());
  const password = crypto
    .createHmac("sha256", secret)
    .update(`clientId${cid}deviceName${dn}productKey${pk}timestamp${ts}`)
    .digest("hex");
  const client = mqtt.connect(mqttUrl, {
    clientId: `${cid}|securemode=3,signmethod=hmacsha256,timestamp=${ts}|`,
    username: `${dn}&${pk}`,
    password,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

async function desktopFlow(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  const p = page;

  step = "log in";
  await login(p);
  check(!p.url().includes(token), "the token must not be in the URL");
  out({ event: "step", step });

  step = "create product";
  await p.goto(base + "/#/products");
  await p.getByLabel("Name", { exact: true }).fill(productName);
  await p.getByRole("button", { name: "Create product" }).click();
  await p.waitForURL(/#\/products\/[^/?]+$/);
  const pk = decodeURIComponent(p.url().split("#/products/")[1]);
  check(pk.length > 0, "a product key in the URL");
  out({ event: "step", step, productKey: pk });

  step = "thing model with a temperature float property";
  await p.getByRole("button", { name: "Add property" }).click();
  await p.getByLabel("Identifier").fill("temperature");
  await p.getByLabel("Name", { exact: true }).fill("Temperature");
  await p.getByLabel("Data type").selectOption("float");
  await p.getByLabel("Min").fill("-40");
  await p.getByLabel("Max").fill("120");
  await p.getByRole("button", { name: "Save thing model" }).click();
  await p.getByText("Thing model saved").waitFor();
  await shot(p, "product-thing-model");
  out({ event: "step", step });

  step = "register a device";
  await p.goto(base + `/#/devices?product=${encodeURIComponent(pk)}`);
  await p.getByRole("button", { name: "Register device" }).click();
  await p.getByLabel("Device name").fill(deviceName);
  await p.getByRole("button", { name: "Register", exact: true }).click();
  const row = p.locator(`tr[data-device="${deviceName}"]`);
  await row.waitFor();
  await shot(p, "devices");
  await row.getByRole("link", { name: deviceName }).click();
  await p.waitForURL(new RegExp(`#/devices/${pk}/${deviceName}$`));
  await p.locator('#device-status [data-status="inactive"]').waitFor();
  out({ event: "step", step, deviceName });

  step = "reveal the secret";
  await p.getByRole("button", { name: "Reveal secret" }).click();
  const secretEl = p.locator("[data-secret]");
  await secretEl.waitFor();
  const secret = ((await secretEl.getAttribute("data-secret")) || (await secretEl.textContent()) || "").trim();
  check(/^[0-9a-zA-Z]{16,}$/.test(secret), `a device secret is shown (got ${JSON.stringify(secret)})`);
  out({ event: "step", step });

  // From here on the page must update itself: a reload would lose this mark.
  await p.evaluate(() => {
    window.__noReload = true;
  });

  step = "device connects and turns online";
  const device = await connectDevice(pk, deviceName, secret);
  const received = [];
  device.on("message", (topic, payload) => received.push({ topic, payload: payload.toString() }));
  await new Promise((resolve, reject) =>
    device.subscribe(`/sys/${pk}/${deviceName}/thing/service/property/set`, { qos: 0 }, (e) => (e ? reject(e) : resolve())),
  );
  await p.locator('#device-status [data-status="online"]').waitFor({ timeout: 10000 });
  out({ event: "step", step });

  step = "a posted value appears without a reload";
  const post = {
    id: "1",
    version: "1.0",
    params: { temperature: 23.5 },
    method: "thing.event.property.post",
  };
  device.publish(`/sys/${pk}/${deviceName}/thing/event/property/post`, JSON.stringify(post), { qos: 1 });
  await p.locator('[data-property="temperature"]', { hasText: "23.5" }).waitFor({ timeout: 10000 });
  check(await p.evaluate(() => window.__noReload === true), "the page was not reloaded");
  out({ event: "step", step });

  step = "set a property; the device receives it";
  await p.getByLabel("Properties to set (JSON)").fill(JSON.stringify({ temperature: 30.5 }));
  await p.getByRole("button", { name: "Set properties" }).click();
  for (let i = 0; i < 100 && !received.some((m) => m.topic.endsWith("/thing/service/property/set")); i++)
    await p.waitForTimeout(100);
  const set = received.find((m) => m.topic.endsWith("/thing/service/property/set"));
  check(set, "the device received the property set");
  const setBody = JSON.parse(set.payload);
  check(setBody.params && setBody.params.temperature === 30.5, `params.temperature 30.5 (got ${set.payload})`);
  // The device answers as Alibaba's SDK does.
  device.publish(
    `/sys/${pk}/${deviceName}/thing/service/property/set_reply`,
    JSON.stringify({ id: setBody.id, code: 200, data: {} }),
    { qos: 0 },
  );
  out({ event: "step", step });
  await p.waitForTimeout(500);
  await shot(p, "device");

  step = "overview counts the device online";
  await p.goto(base + "/#/overview");
  await p.locator("#tile-online", { hasText: "1" }).waitFor();
  await p.waitForTimeout(2500); // two samples: rates appear
  await shot(p, "overview");
  out({ event: "step", step });

  step = "create a rule and dry-run it";
  await p.goto(base + "/#/rules");
  await p.getByRole("link", { name: "New rule" }).click();
  await p.getByLabel("Name", { exact: true }).fill(`hot_${suffix}`);
  await p
    .getByLabel("SQL")
    .fill(
      `SELECT items.temperature.value AS t, deviceName() AS dev\nFROM "/${pk}/+/thing/event/property/post"\nWHERE items.temperature.value > 25`,
    );
  const actions = p.locator(".rule-actions .rule-action");
  if ((await actions.count()) === 0) await p.getByRole("button", { name: "Add action" }).click();
  const action = actions.first();
  await action.getByLabel("Type").selectOption("republish");
  await action.getByLabel("Topic").fill(`/${pk}/\${dev}/user/alert`);
  await p.getByRole("button", { name: "Save rule" }).click();
  await p.waitForURL(/#\/rules\/\d+$/);
  await p.getByLabel("Sample topic").fill(`/${pk}/${deviceName}/thing/event/property/post`);
  await p.getByLabel("Sample device").fill(deviceName);
  await p.getByLabel("Sample product").fill(pk);
  await p.getByLabel("Sample payload").fill(JSON.stringify({ items: { temperature: { value: 31.5 } } }));
  await p.getByRole("button", { name: "Run dry run" }).click();
  const output = p.locator("#dry-run-output");
  await output.getByText("matched: yes").waitFor();
  const text = (await output.textContent()) || "";
  check(text.includes("31.5"), `the dry run shows the row (got ${text})`);
  check(text.includes(`/${pk}/${deviceName}/user/alert`), `the dry run shows the rendered topic (got ${text})`);
  await shot(p, "rule");
  out({ event: "step", step });

  step = "an error appears next to its cause";
  await p.getByLabel("SQL").fill(`SELECT t FROM "/${pk}/#" WHER t > 1`);
  await p.getByRole("button", { name: "Save rule" }).click();
  const sqlError = p.locator(".field-error", { hasText: "line 1" });
  await sqlError.waitFor();
  out({ event: "step", step, error: await sqlError.textContent() });

  await p.goto(base + "/#/products");
  await p.locator("table").first().waitFor();
  await shot(p, "products");
  await p.goto(base + "/#/rules");
  await p.locator("table").first().waitFor();
  await shot(p, "rules");

  device.end(true);
  await context.close();
  return { pk };
}

// On a 390-pixel phone no page is wider than the screen.
async function phoneFlow(browser, pk) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  page = await context.newPage();
  const p = page;
  step = "phone: log in";
  await login(p);
  const pages = [
    ["overview", "/#/overview", "#tile-online"],
    ["products", "/#/products", "table"],
    ["product", `/#/products/${encodeURIComponent(pk)}`, "text=Save thing model"],
    ["devices", `/#/devices?product=${encodeURIComponent(pk)}`, `tr[data-device="${deviceName}"]`],
    ["device", `/#/devices/${encodeURIComponent(pk)}/${deviceName}`, "#device-status [data-status]"],
    ["rules", "/#/rules", "table"],
  ];
  for (const [name, url, ready] of pages) {
    step = `phone: ${name}`;
    await p.goto(base + url);
    await p.locator(ready).first().waitFor();
    await p.waitForTimeout(300);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `${name} is ${width}px wide on a 390px screen`);
    await shot(p, `phone-${name}`);
  }
  out({ event: "step", step: "phone pages fit" });
  await context.close();
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const timer = setTimeout(() => {
  out({ event: "failed", step, error: "timeout" });
  process.exit(1);
}, Number(process.env.TIMEOUT_MS ?? 240000));
try {
  const { pk } = await desktopFlow(browser);
  await phoneFlow(browser, pk);
  out({ event: "done" });
} catch (e) {
  out({ event: "failed", step, error: String(e && e.message ? e.message : e) });
  try {
    await page?.screenshot({ path: path.join(shots, "failure.png"), fullPage: true });
  } catch {}
  clearTimeout(timer);
  await browser.close();
  process.exit(1);
}
clearTimeout(timer);
await browser.close();
