// "Credentials": the triple a device signs in with. The secret comes with
// GET on the device but stays out of the page until "Reveal secret" is
// pressed (screens get shared and photographed). "Rotate secret" issues a new
// one, which disconnects the device.
import { api, devicePath } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot } from "../errors";
import { button, card, copyButton, keyValues } from "../ui";
import type { Device } from "./device-data";

export class CredentialsCard {
  readonly el: HTMLElement;
  private secret = "";
  private revealed = false;
  private readonly secretSlot = h("div", { class: "cred" });
  private readonly error = new ErrorSlot();

  constructor(
    private readonly device: Device,
    private readonly onChanged: (d: Device) => void,
  ) {
    this.secret = device.deviceSecret ?? "";
    const rotate = button("Rotate secret", () => void this.rotate(rotate), "danger");
    this.el = card(
      "Credentials",
      keyValues([
        ["Product key", h("span", { class: "cred" }, h("code", {}, device.productKey), copyButton(() => device.productKey))],
        ["Device name", h("span", { class: "cred" }, h("code", {}, device.deviceName), copyButton(() => device.deviceName))],
        ["Device secret", this.secretSlot],
      ]),
      h("p", { class: "hint" }, `MQTT username: ${device.deviceName}&${device.productKey}; sign in as in Alibaba Cloud IoT (HMAC of clientId, deviceName, productKey, timestamp).`),
      h("div", { class: "inline-actions" }, rotate),
      this.error.el,
    );
    this.render();
  }

  update(d: Device): void {
    if (d.deviceSecret && d.deviceSecret !== this.secret) {
      this.secret = d.deviceSecret;
      this.render();
    }
  }

  private render(): void {
    const toggle = button(this.revealed ? "Hide secret" : "Reveal secret", () => {
      this.revealed = !this.revealed;
      this.render();
    });
    replace(
      this.secretSlot,
      this.revealed ? h("code", { class: "secret", "data-secret": "" }, this.secret) : h("span", { class: "muted" }, "••••••••••••••••"),
      toggle,
      this.revealed ? copyButton(() => this.secret) : null,
    );
  }

  private async rotate(b: HTMLButtonElement): Promise<void> {
    if (!confirm(`Give ${this.device.deviceName} a new secret? It is disconnected and must sign in with the new one.`)) return;
    this.error.clear();
    b.disabled = true;
    try {
      const d = await api<Device>("POST", `${devicePath(this.device.productKey, this.device.deviceName)}:rotateSecret`, {});
      this.secret = d.deviceSecret ?? "";
      this.revealed = true;
      this.render();
      this.onChanged(d);
    } catch (e) {
      this.error.show(e);
    } finally {
      b.disabled = false;
    }
  }
}
