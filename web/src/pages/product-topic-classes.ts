// The "Topic classes" tab: a product's custom topics under
// /{pk}/${deviceName}/user/, with who may use them (src/api/topic_class_routes.cpp).
import { api, query, seg } from "../api";
import { formatTime, h } from "../dom";
import { clearFields, ErrorSlot } from "../errors";
import { button, emptyRow, field, input, loading, select, table } from "../ui";
import type { TopicClass } from "./product-api";
import { showFieldError } from "./product-field-errors";

const permissions: [string, string][] = [
  ["pub", "pub: devices publish"],
  ["sub", "sub: devices subscribe"],
  ["all", "all: both"],
];

export function topicClassesTab(pk: string, signal: AbortSignal): HTMLElement {
  const path = `/products/${seg(pk)}/topic-classes`;
  const prefix = `/${pk}/\${deviceName}/user/`;
  const list = h("div", {}, loading());
  const listError = new ErrorSlot();

  async function load(): Promise<void> {
    try {
      const page = await api<{ items: TopicClass[] }>("GET", path, undefined, signal);
      list.replaceChildren(
        page.items.length
          ? table(["Topic", "Permission", "Description", "Created", ""], page.items.map((t) => [
              topicCell(t.topic, prefix),
              t.permission,
              t.description || "—",
              h("span", { class: "nowrap" }, formatTime(t.createdTime)),
              button("Delete", () => void remove(t), "danger"),
            ]))
          : emptyRow("No topic classes."),
      );
    } catch (e) {
      if (!signal.aborted) listError.show(e);
    }
  }

  async function remove(t: TopicClass): Promise<void> {
    if (!confirm(`Delete the topic class ${t.topic}?`)) return;
    listError.clear();
    try {
      await api("DELETE", path + query({ topic: t.topic }), undefined, signal);
      await load();
    } catch (e) {
      if (!signal.aborted) listError.show(e);
    }
  }

  // The form asks only for the part after the fixed prefix.
  const suffix = input({ id: `topic-suffix-${seg(pk)}`, autocomplete: "off", spellcheck: "false", placeholder: "e.g. update/error" });
  const permission = select(permissions, "pub");
  const description = input({ autocomplete: "off" });
  const formError = new ErrorSlot();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Add topic class");
  const form = h(
    "form",
    { class: "topic-class-form", novalidate: true },
    h(
      "div",
      { class: "row" },
      topicField(prefix, suffix),
      field("Permission", permission),
      field("Description", description),
      h("div", { class: "submit" }, submit),
    ),
    formError.el,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFields(form);
    formError.clear();
    submit.disabled = true;
    try {
      await api("POST", path, {
        topic: prefix + suffix.value.trim().replace(/^\/+/, ""),
        permission: permission.value,
        description: description.value,
      }, signal);
      suffix.value = "";
      description.value = "";
      await load();
    } catch (e) {
      if (!signal.aborted) showFieldError(e, formError, { topic: suffix, permission, description });
    } finally {
      submit.disabled = false;
    }
  });

  void load();
  return h("div", { class: "topic-classes" }, form, h("h3", {}, "Topic classes"), listError.el, list);
}

// Like ui.field, with the fixed prefix shown in front of the input.
function topicField(prefix: string, suffix: HTMLInputElement): HTMLElement {
  return h(
    "div",
    { class: "field topic-field" },
    h("label", { for: suffix.id }, "Topic"),
    h("div", { class: "topic-input" }, h("code", {}, prefix), suffix),
    h("small", { class: "hint" }, "levels of letters, digits and _; sub classes may use + and a final #"),
  );
}

function topicCell(topic: string, prefix: string): HTMLElement {
  if (!topic.startsWith(prefix)) return h("code", { class: "topic" }, topic);
  return h("code", { class: "topic", title: topic }, h("span", { class: "prefix" }, prefix), topic.slice(prefix.length));
}
