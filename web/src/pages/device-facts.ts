// "Device": what the registry knows (connection times, address, firmware,
// tags) and what can be done to the device as a whole: disable/enable,
// edit its tags, delete it.
import { api, devicePath } from "../api";
import { formatTime, h } from "../dom";
import { ErrorSlot } from "../errors";
import { navigate } from "../router";
import { button, card, field, keyValues, textarea } from "../ui";
import type { Device } from "./device-data";
import { clearFormError, showFormError } from "./device-errors";

export class FactsCard {
  readonly el: HTMLElement;
  private readonly facts = h("div");
  private readonly actions = h("div", { class: "inline-actions" });
  private readonly tagEditor = h("div");
  private readonly error = new ErrorSlot();
  private device: Device;

  constructor(
    device: Device,
    private readonly onChanged: (d: Device) => void,
  ) {
    this.device = device;
    this.el = card("Device", this.facts, this.actions, this.error.el, this.tagEditor);
    this.update(device);
  }

  update(d: Device): void {
    this.device = d;
    const tags = Object.entries(d.tags ?? {});
    this.facts.replaceChildren(
      keyValues([
        ["Enabled", d.enabled ? "yes" : "no (refused when it connects)"],
        ["Last online", formatTime(d.lastOnlineTime)],
        ["First online", formatTime(d.firstOnlineTime)],
        ["Registered", formatTime(d.createdTime)],
        ["IP address", d.ipAddress || "—"],
        ["Firmware", d.firmwareVersion || "—"],
        ["Tags", tags.length ? tags.map(([k, v]) => h("span", { class: "tag" }, v ? `${k}=${v}` : k)) : "—"],
      ]),
    );
    this.actions.replaceChildren(
      d.enabled
        ? button("Disable", (ev) => void this.act(ev, ":disable"), "secondary")
        : button("Enable", (ev) => void this.act(ev, ":enable"), "primary"),
      button("Edit tags", () => this.editTags()),
      button("Delete device", (ev) => void this.remove(ev), "danger"),
    );
  }

  private async act(ev: Event, verb: string): Promise<void> {
    const b = ev.currentTarget as HTMLButtonElement;
    this.error.clear();
    b.disabled = true;
    try {
      const d = await api<Device>("POST", devicePath(this.device.productKey, this.device.deviceName) + verb, {});
      this.onChanged(d);
    } catch (e) {
      this.error.show(e);
      b.disabled = false;
    }
  }

  private async remove(ev: Event): Promise<void> {
    const d = this.device;
    if (!confirm(`Delete ${d.deviceName}? It is disconnected and its credentials stop working.`)) return;
    const b = ev.currentTarget as HTMLButtonElement;
    this.error.clear();
    b.disabled = true;
    try {
      await api("DELETE", devicePath(d.productKey, d.deviceName));
      navigate("/devices", { product: d.productKey });
    } catch (e) {
      this.error.show(e);
      b.disabled = false;
    }
  }

  // Tags as key=value lines; PUT …/tags replaces them all.
  private editTags(): void {
    const box = textarea({ class: "code", rows: 4, name: "tags" },
      Object.entries(this.device.tags ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"));
    const error = new ErrorSlot();
    const save = h("button", { type: "submit", class: "btn primary" }, "Save tags");
    const form = h("form", { class: "tag-form" },
      field("Tags, one key=value a line", box),
      h("div", { class: "inline-actions" }, save, button("Cancel", () => this.tagEditor.replaceChildren())),
      error.el);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearFormError(form, error);
      const tags: Record<string, string> = {};
      for (const line of box.value.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const eq = line.indexOf("=");
        tags[(eq < 0 ? line : line.slice(0, eq)).trim()] = eq < 0 ? "" : line.slice(eq + 1).trim();
      }
      save.disabled = true;
      try {
        const d = await api<Device>("PUT", `${devicePath(this.device.productKey, this.device.deviceName)}/tags`, { tags });
        this.tagEditor.replaceChildren();
        this.onChanged(d);
      } catch (e) {
        showFormError(e, error, { tags: box });
      } finally {
        save.disabled = false;
      }
    });
    this.tagEditor.replaceChildren(form);
    box.focus();
  }
}
