// "Invoke service": choose one of the thing model's services, give its
// params as JSON (prefilled from the service's inputs), call it. A sync
// service's answer comes back in the API reply; an async one's later (see
// Replies). Errors such as 409 DeviceOffline or 504 DeviceTimeout appear
// under the button.
import { api, devicePath, seg } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { card, field, input, select, textarea } from "../ui";
import { callableServices, label, paramsTemplate, type CallResult, type ThingModel } from "./device-data";
import { clearFormError, parseJsonField, showFormError } from "./device-errors";
import { Replies, replyView } from "./device-replies";

export function invokeServiceCard(pk: string, dn: string, model: ThingModel, replies: Replies): HTMLElement {
  const services = callableServices(model);
  if (services.length === 0) return card("Invoke service", h("p", { class: "empty" }, "The thing model has no services."));

  const service = select(services.map((s): [string, string] => [s.identifier, `${label(s)} · ${s.callType ?? "async"}`]));
  const params = textarea({ class: "code", rows: 4, name: "params" });
  const timeout = input({ type: "number", name: "timeoutMs", min: 1, max: 8000, placeholder: "5000" });
  const timeoutField = field("Timeout (ms)", timeout, "how long to wait for a sync service's answer (at most 8000)");
  const current = () => services.find((s) => s.identifier === service.value)!;
  const choose = () => {
    params.value = JSON.stringify(paramsTemplate(current().inputData), null, 2);
    timeoutField.hidden = current().callType !== "sync";
  };
  service.addEventListener("change", choose);
  choose();

  const submit = h("button", { type: "submit", class: "btn primary" }, "Invoke service");
  const error = new ErrorSlot();
  const result = h("div", { class: "result" });
  const form = h(
    "form",
    {},
    h("div", { class: "row" }, field("Service", service), timeoutField),
    field("Service params (JSON)", params),
    h("div", {}, submit),
    error.el,
    result,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    result.replaceChildren();
    const p = parseJsonField(params, "Service params");
    if (!p.ok) {
      error.show(p.message);
      return;
    }
    const s = current();
    const body: Record<string, unknown> = { params: p.value };
    if (s.callType === "sync" && timeout.value.trim()) body.timeoutMs = Number(timeout.value);
    submit.disabled = true;
    if (s.callType === "sync") result.replaceChildren(h("p", { class: "hint" }, "Waiting for the device's answer…"));
    try {
      const r = await api<CallResult>("POST", `${devicePath(pk, dn)}/services/${seg(s.identifier)}`, body);
      if (r.code !== undefined) {
        result.replaceChildren(replyView({ status: "replied", code: r.code, message: r.message, data: r.data }));
      } else {
        result.replaceChildren(h("p", { class: "hint" }, `Sent to the device (message ${r.messageId}); waiting for its reply…`));
        replies.wait(r.messageId, (reply) => result.replaceChildren(replyView(reply)));
      }
    } catch (e) {
      result.replaceChildren();
      showFormError(e, error, { params, timeoutMs: timeout });
    } finally {
      submit.disabled = false;
    }
  });
  return card("Invoke service", form);
}
