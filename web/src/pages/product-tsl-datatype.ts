// A data type in the thing model form: the type select and the specs that
// type has (range and unit for numbers, length for text, value labels for
// bool and enum, members of a struct, size and item type of an array).
// Changing the type starts its specs afresh: the old ones do not apply.
import { h } from "../dom";
import { button, field } from "../ui";
import { boundInput, EditorContext, numeric } from "./product-tsl-controls";
import {
  defaultSpecs,
  ensureDataType,
  ensureParams,
  isObject,
  joinPath,
  Place,
  SpecsObject,
  TslDataType,
  typesAllowed,
} from "./product-tsl-model";
import { paramList } from "./product-tsl-params";

export interface DataTypeEditor {
  typeField: HTMLElement; // goes in the entry's row of fields
  specs: HTMLElement; // goes under it
}

export function dataTypeEditor(
  ctx: EditorContext,
  dt: TslDataType,
  path: string,
  place: Place,
  label = "Data type",
): DataTypeEditor {
  const allowed = typesAllowed(place);
  const options = allowed.includes(dt.type) ? allowed : [...allowed, dt.type];
  const typeSelect = h("select", {}, ...options.map((t) => h("option", { value: t }, t)));
  typeSelect.value = dt.type;
  ctx.index.set(path, typeSelect);
  ctx.index.set(joinPath(path, "type"), typeSelect);

  const specs = h("div", { class: "tsl-specs" });
  const specsPath = joinPath(path, "specs");
  const renderSpecs = () => {
    specs.replaceChildren(...specsEditor(ctx, dt, specsPath, place));
    specs.hidden = specs.childElementCount === 0;
  };
  typeSelect.addEventListener("change", () => {
    dt.type = typeSelect.value;
    dt.specs = defaultSpecs(dt.type, place);
    ctx.changed();
    renderSpecs();
  });
  renderSpecs();
  ctx.index.set(specsPath, specs);
  return { typeField: field(label, typeSelect), specs };
}

function specsObject(dt: TslDataType): SpecsObject {
  if (!isObject(dt.specs)) dt.specs = {};
  return dt.specs as SpecsObject;
}

function specsEditor(ctx: EditorContext, dt: TslDataType, path: string, place: Place): HTMLElement[] {
  switch (dt.type) {
    case "int":
    case "float":
    case "double":
      return [numberSpecs(ctx, specsObject(dt), path)];
    case "text": {
      const length = boundInput(ctx, joinPath(path, "length"), specsObject(dt), "length", numeric, true);
      return [h("div", { class: "row" }, field("Length", length, "bytes, 1 to 10240"))];
    }
    case "date":
      return [h("p", { class: "hint" }, "A date is sent as UTC milliseconds.")];
    case "bool":
      return [boolSpecs(ctx, specsObject(dt), path)];
    case "enum":
      return [enumSpecs(ctx, dt, path)];
    case "struct": {
      const inside: Place = { inStruct: true, arrayItem: false };
      return [
        h("h4", {}, "Members"),
        paramList(ctx, ensureParams(dt, "specs"), path, inside, "Add member", "No members yet."),
      ];
    }
    case "array":
      return [arraySpecs(ctx, specsObject(dt), path, place)];
    default:
      return [];
  }
}

function numberSpecs(ctx: EditorContext, specs: SpecsObject, path: string): HTMLElement {
  const spec = (key: string, label: string) =>
    field(label, boundInput(ctx, joinPath(path, key), specs, key, numeric, true));
  return h(
    "div",
    { class: "row" },
    spec("min", "Min"),
    spec("max", "Max"),
    spec("step", "Step"),
    field("Unit", boundInput(ctx, joinPath(path, "unit"), specs, "unit", {}, true)),
  );
}

function boolSpecs(ctx: EditorContext, specs: SpecsObject, path: string): HTMLElement {
  return h(
    "div",
    { class: "row" },
    field("0 means", boundInput(ctx, joinPath(path, "0"), specs, "0")),
    field("1 means", boundInput(ctx, joinPath(path, "1"), specs, "1")),
  );
}

// Enum values are the keys of `specs`; the editor keeps them as a list of
// pairs (a key being edited is not yet a key) and writes the object back.
function enumSpecs(ctx: EditorContext, dt: TslDataType, path: string): HTMLElement {
  const pairs: [string, string][] = Object.entries(specsObject(dt)).map(([k, v]) => [k, String(v ?? "")]);
  const rows = h("div", { class: "tsl-enum" });
  const keyInputs: HTMLInputElement[] = [];
  const write = () => {
    dt.specs = Object.fromEntries(pairs);
    ctx.changed();
  };
  const render = () => {
    keyInputs.length = 0;
    rows.replaceChildren(
      ...pairs.map((pair, i) => {
        const key = h("input", { type: "text", value: pair[0], inputmode: "numeric", autocomplete: "off" });
        const label = h("input", { type: "text", value: pair[1], autocomplete: "off" });
        keyInputs.push(key);
        ctx.index.set(joinPath(path, pair[0]), key);
        key.addEventListener("input", () => {
          pair[0] = key.value.trim();
          ctx.index.set(joinPath(path, pair[0]), key);
          write();
        });
        label.addEventListener("input", () => {
          pair[1] = label.value;
          write();
        });
        const remove = button("Remove", () => {
          pairs.splice(i, 1);
          write();
          render();
        }, "danger", { class: "btn danger remove" });
        return h("div", { class: "row" }, field("Value", key), field("Label", label), remove);
      }),
    );
  };
  // Two rows with one key would silently become one value.
  ctx.checks.push(() => {
    if (!rows.isConnected) return null;
    const seen = new Set<string>();
    for (const [i, [k]] of pairs.entries()) {
      if (seen.has(k)) return [keyInputs[i], `duplicate value ${k}`];
      seen.add(k);
    }
    return null;
  });
  const add = button("Add value", () => {
    const used = pairs.map(([k]) => Number(k)).filter(Number.isInteger);
    pairs.push([String(used.length ? Math.max(...used) + 1 : 0), ""]);
    write();
    render();
    keyInputs[keyInputs.length - 1]?.focus();
  });
  render();
  return h("div", {}, rows, h("div", { class: "tsl-add" }, add));
}

function arraySpecs(ctx: EditorContext, specs: SpecsObject, path: string, place: Place): HTMLElement {
  const itemPlace: Place = { ...place, arrayItem: true };
  const itemType = ensureDataType(specs, "item", itemPlace);
  const item = dataTypeEditor(ctx, itemType, joinPath(path, "item"), itemPlace, "Item type");
  const size = boundInput(ctx, joinPath(path, "size"), specs, "size", numeric, true);
  return h(
    "div",
    {},
    h("div", { class: "row" }, field("Size", size, "at most 512 items"), item.typeField),
    item.specs,
  );
}
