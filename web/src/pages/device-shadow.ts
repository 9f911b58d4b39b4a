// "Shadow": the device's shadow document, and its desired state edited as
// JSON. A save carries version + 1, so a save based on an old read is
// refused (409 VersionConflict) instead of overwriting someone's change; the
// message says to reload.
import { ApiError, api, devicePath } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { button, card, field, textarea } from "../ui";
import { pretty } from "./device-data";
import { clearFormError, parseJsonField, showFormError } from "./device-errors";

interface Shadow {
  state: { reported: Record<string, unknown>; desired: Record<string, unknown> };
  metadata: unknown;
  version: number;
  delivered?: boolean;
}

export class ShadowCard {
  readonly el: HTMLElement;
  private readonly doc = h("pre", { class: "shadow-doc" }, "…");
  private readonly desired = textarea({ class: "code", rows: 4, name: "desired" });
  private readonly error = new ErrorSlot();
  private readonly loadError = new ErrorSlot();
  private readonly result = h("div", { class: "result" });
  private version = 0;

  constructor(
    private readonly pk: string,
    private readonly dn: string,
    private readonly signal: AbortSignal,
  ) {
    const submit = h("button", { type: "submit", class: "btn primary" }, "Save desired");
    const form = h(
      "form",
      {},
      field("Desired (JSON)", this.desired, "key → value; a null value deletes the key"),
      h("div", { class: "inline-actions" }, submit, button("Reload", () => void this.load())),
      this.error.el,
      this.result,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearFormError(form, this.error);
      this.result.replaceChildren();
      const desired = parseJsonField(this.desired, "Desired");
      if (!desired.ok) {
        this.error.show(desired.message);
        return;
      }
      submit.disabled = true;
      try {
        const s = await api<Shadow>("PUT", `${devicePath(this.pk, this.dn)}/shadow`, {
          state: { desired: desired.value },
          version: this.version + 1,
        });
        this.show(s);
        this.result.replaceChildren(h("p", { class: "notice" }, `Saved as version ${s.version}. ` +
          (s.delivered ? "The device got the change." : "The device is not connected; it gets the change when it asks for its shadow.")));
      } catch (e) {
        showFormError(e, this.error, { desired: this.desired, state: this.desired });
        if (e instanceof ApiError && e.code === "VersionConflict") {
          this.result.replaceChildren(h("p", { class: "hint" }, "The shadow changed since it was shown here. Reload it, then save again."));
        }
      } finally {
        submit.disabled = false;
      }
    });
    this.el = card("Shadow", this.loadError.el, this.doc, form);
  }

  async load(): Promise<void> {
    try {
      this.show(await api<Shadow>("GET", `${devicePath(this.pk, this.dn)}/shadow`, undefined, this.signal));
      this.loadError.clear();
    } catch (e) {
      if (!this.signal.aborted) this.loadError.show(e);
    }
  }

  private show(s: Shadow): void {
    this.version = s.version;
    const { delivered: _delivered, ...doc } = s;
    this.doc.textContent = pretty(doc);
    // The editor follows the document unless someone is typing in it.
    if (document.activeElement !== this.desired) this.desired.value = pretty(s.state?.desired ?? {});
  }
}
