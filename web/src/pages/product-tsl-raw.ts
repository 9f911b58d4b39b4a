// The thing model as raw TSL JSON: edit or paste a document (Alibaba's
// export works as it is), load it from a file, import it, export it. Errors
// show under the text: a JSON syntax error also selects where it is.
import { api, seg } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { button, download, field, textarea } from "../ui";

export interface RawView {
  el: HTMLElement;
  // The document in the text, or null (the error is shown) when it is not JSON.
  parse(): unknown;
  showError(err: unknown): void;
}

export function rawView(
  pk: string,
  text: string,
  onImported: (saved: unknown) => void,
  signal: AbortSignal,
): RawView {
  const area = textarea({ class: "code tsl-raw", rows: 24 }, text);
  const error = new ErrorSlot();
  const notice = h("p", { class: "notice", role: "status", hidden: true });

  const showError = (err: unknown) => {
    area.setAttribute("aria-invalid", "true");
    error.show(err);
  };
  const reset = () => {
    area.removeAttribute("aria-invalid");
    error.clear();
    notice.hidden = true;
  };
  area.addEventListener("input", reset);

  const parse = (): unknown => {
    reset();
    try {
      return JSON.parse(area.value) as unknown;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      showError(new Error(`not valid JSON: ${message}`));
      const at = /position (\d+)/.exec(message);
      if (at) {
        const pos = Number(at[1]);
        area.focus();
        area.setSelectionRange(pos, pos + 1);
      }
      return null;
    }
  };

  const importButton = button("Import", async () => {
    const doc = parse();
    if (doc === null) return;
    importButton.disabled = true;
    try {
      const saved = await api("PUT", `/products/${seg(pk)}/thing-model`, doc, signal);
      onImported(saved);
      notice.textContent = "Thing model imported.";
      notice.hidden = false;
    } catch (e) {
      if (!signal.aborted) showError(e);
    } finally {
      importButton.disabled = false;
    }
  }, "primary");

  const file = h("input", { type: "file", accept: ".json,application/json", hidden: true });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    area.value = await chosen.text();
    file.value = "";
    reset();
  });

  const el = h(
    "div",
    { class: "tsl-raw-view" },
    field("TSL JSON", area, "Alibaba's TSL format; the built-in post, set and get entries may be left in or out."),
    error.el,
    h(
      "div",
      { class: "row tsl-raw-actions" },
      importButton,
      button("Export", () => download(`${pk}-tsl.json`, area.value, "application/json")),
      button("Load file…", () => file.click()),
      file,
      notice,
    ),
  );
  return { el, parse, showError };
}
