// The thing model as a form: properties, events and services, each entry
// with its identifier, name, kind and data types. Controls are registered
// under their document paths (ctx.index) so save errors land on them.
import { h } from "../dom";
import { field } from "../ui";
import { boundInput, boundSelect, EditorContext, entryList } from "./product-tsl-controls";
import { dataTypeEditor } from "./product-tsl-datatype";
import {
  ensureDataType,
  ensureParams,
  joinPath,
  newEvent,
  newProperty,
  newService,
  topLevel,
  TslDocument,
  TslEvent,
  TslProperty,
  TslService,
} from "./product-tsl-model";
import { paramList } from "./product-tsl-params";

export function thingModelForm(ctx: EditorContext, doc: TslDocument): HTMLElement {
  return h(
    "div",
    { class: "tsl-form" },
    section("Properties", "What a device reports and, when writable, accepts.",
      entryList(ctx, "properties", doc.properties, {
        addLabel: "Add property",
        empty: "No properties yet.",
        removeLabel: "Remove property",
        create: newProperty,
        row: (p, path, remove) => propertyRow(ctx, p, path, remove),
      })),
    section("Events", "What a device reports when something happens.",
      entryList(ctx, "events", doc.events, {
        addLabel: "Add event",
        empty: "No events yet.",
        removeLabel: "Remove event",
        create: newEvent,
        row: (e, path, remove) => eventRow(ctx, e, path, remove),
      })),
    section("Services", "What the platform can call on a device.",
      entryList(ctx, "services", doc.services, {
        addLabel: "Add service",
        empty: "No services yet.",
        removeLabel: "Remove service",
        create: newService,
        row: (s, path, remove) => serviceRow(ctx, s, path, remove),
      })),
  );
}

function section(title: string, hint: string, body: HTMLElement): HTMLElement {
  return h("section", { class: "tsl-section" }, h("h3", {}, title), h("p", { class: "hint" }, hint), body);
}

// Identifier and name, which every entry has; the identifier input also
// stands for the entry as a whole ("properties[2]: must be an object").
function idFields(ctx: EditorContext, entry: Record<string, unknown>, path: string): HTMLElement[] {
  const id = boundInput(ctx, joinPath(path, "identifier"), entry, "identifier", { maxlength: 50 });
  ctx.index.set(path, id);
  return [field("Identifier", id), field("Name", boundInput(ctx, joinPath(path, "name"), entry, "name"))];
}

function propertyRow(ctx: EditorContext, p: TslProperty, path: string, remove: HTMLElement): HTMLElement {
  const type = dataTypeEditor(ctx, ensureDataType(p, "dataType", topLevel), joinPath(path, "dataType"), topLevel);
  const access = boundSelect(ctx, joinPath(path, "accessMode"), p, "accessMode",
    [["rw", "read/write"], ["r", "read only"]], "rw");
  return h(
    "div",
    { class: "tsl-entry", "data-path": path },
    h("div", { class: "row" }, ...idFields(ctx, p, path), field("Access", access), type.typeField, remove),
    type.specs,
  );
}

function eventRow(ctx: EditorContext, e: TslEvent, path: string, remove: HTMLElement): HTMLElement {
  const kind = boundSelect(ctx, joinPath(path, "type"), e, "type",
    [["info", "info"], ["alert", "alert"], ["error", "error"]], "info");
  const output = joinPath(path, "outputData");
  return h(
    "div",
    { class: "tsl-entry", "data-path": path },
    h("div", { class: "row" }, ...idFields(ctx, e, path), field("Event type", kind), remove),
    h("h4", {}, "Output parameters"),
    paramList(ctx, ensureParams(e, "outputData"), output, topLevel, "Add output parameter", "No output parameters."),
  );
}

function serviceRow(ctx: EditorContext, s: TslService, path: string, remove: HTMLElement): HTMLElement {
  const call = boundSelect(ctx, joinPath(path, "callType"), s, "callType",
    [["async", "async"], ["sync", "sync (RRPC, waits for the answer)"]], "async");
  const input = joinPath(path, "inputData");
  const output = joinPath(path, "outputData");
  return h(
    "div",
    { class: "tsl-entry", "data-path": path },
    h("div", { class: "row" }, ...idFields(ctx, s, path), field("Call type", call), remove),
    h("h4", {}, "Input parameters"),
    paramList(ctx, ensureParams(s, "inputData"), input, topLevel, "Add input parameter", "No input parameters."),
    h("h4", {}, "Output parameters"),
    paramList(ctx, ensureParams(s, "outputData"), output, topLevel, "Add output parameter", "No output parameters."),
  );
}
