// The thing model (Alibaba TSL JSON, src/thing/tsl_parse.cpp) as the editor
// holds it: the document's own objects, edited in place, so keys the form
// does not show (desc, required, unitName, ...) survive a save.
export interface TslDataType {
  type: string;
  specs?: unknown;
  [key: string]: unknown;
}

export interface TslParam {
  identifier: string;
  name?: string;
  dataType: TslDataType;
  [key: string]: unknown;
}

export interface TslProperty extends TslParam {
  accessMode?: string;
}

export interface TslEvent {
  identifier: string;
  name?: string;
  type?: string;
  outputData?: TslParam[];
  [key: string]: unknown;
}

export interface TslService {
  identifier: string;
  name?: string;
  callType?: string;
  inputData?: TslParam[];
  outputData?: TslParam[];
  [key: string]: unknown;
}

export interface TslDocument {
  properties: TslProperty[];
  events: TslEvent[];
  services: TslService[];
  [key: string]: unknown;
}

export type SpecsObject = Record<string, unknown>;

export const dataTypes = ["int", "float", "double", "text", "bool", "enum", "date", "struct", "array"];

// Where a data type sits limits what it may be, as the parser's `Place`:
// no struct in a struct, and array items only of a few types.
export interface Place {
  inStruct: boolean;
  arrayItem: boolean;
}
export const topLevel: Place = { inStruct: false, arrayItem: false };

export function typesAllowed(place: Place): string[] {
  let types = place.arrayItem ? ["int", "float", "double", "text", "struct"] : dataTypes;
  if (place.inStruct) types = types.filter((t) => t !== "struct");
  return types;
}

export function defaultSpecs(type: string, place: Place): unknown {
  switch (type) {
    case "text":
      return { length: "255" };
    case "bool":
      return { "0": "off", "1": "on" };
    case "enum":
      return { "0": "" };
    case "struct":
      return [newParam({ ...place, inStruct: true, arrayItem: false })];
    case "array":
      return { size: "10", item: { type: "int", specs: {} } };
    default:
      return {};
  }
}

export function newParam(place: Place = topLevel): TslParam {
  const type = typesAllowed(place)[0];
  return { identifier: "", name: "", dataType: { type, specs: defaultSpecs(type, place) } };
}

export function newProperty(): TslProperty {
  return { identifier: "", name: "", accessMode: "rw", required: false, dataType: { type: "int", specs: {} } };
}

export function newEvent(): TslEvent {
  return { identifier: "", name: "", type: "info", required: false, outputData: [] };
}

export function newService(): TslService {
  return { identifier: "", name: "", callType: "async", required: false, inputData: [], outputData: [] };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// A document (from the API or the raw view) as the editor's state, or why
// the form cannot show it. The built-in event `post` and services `set` and
// `get` are dropped: the platform implies them and writes them again on
// export. So is each entry's `method`: it follows from the identifier, and
// a stale one would be an error after the identifier is edited.
export function toEditorState(doc: unknown): TslDocument | string {
  if (!isObject(doc)) return "the document must be a JSON object";
  const lists: [string, string[]][] = [["properties", []], ["events", ["post"]], ["services", ["set", "get"]]];
  const out: Record<string, unknown> = { ...doc };
  for (const [key, builtins] of lists) {
    const list = doc[key] ?? [];
    if (!Array.isArray(list)) return `${key}: must be an array`;
    const kept = [];
    for (const [i, entry] of list.entries()) {
      if (!isObject(entry)) return `${key}[${i}]: must be an object`;
      if (builtins.includes(String(entry.identifier))) continue;
      const { method: _implied, ...rest } = entry;
      kept.push(rest);
    }
    out[key] = kept;
  }
  return out as TslDocument;
}

// The document to PUT and to show as raw JSON: a copy of the state without
// empty names (the platform then names an entry after its identifier, as
// Alibaba does), with keys in reading order (the platform's answer has them
// sorted alphabetically, which puts "events" first and "type" last).
const keyOrder = [
  "schema", "profile", "functionBlockId", "properties", "events", "services",
  "identifier", "name", "accessMode", "type", "callType", "required", "desc", "method",
  "dataType", "inputData", "outputData", "min", "max", "step", "unit", "unitName", "length", "size", "item", "specs",
];
function rank(key: string): number {
  const i = keyOrder.indexOf(key);
  return i < 0 ? keyOrder.length : i;
}

export function toDocument(state: TslDocument): TslDocument {
  const text = JSON.stringify(state, (key, value: unknown) => {
    if (key === "name" && value === "") return undefined;
    if (!isObject(value)) return value;
    // A stable sort keeps keys the list does not know in their own order.
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)));
  });
  return JSON.parse(text) as TslDocument;
}

// A member of `path` in the parser's spelling (tsl_parse.cpp `join`):
// `.key` for plain words, `["key"]` for anything else.
export function joinPath(path: string, key: string): string {
  if (/^[A-Za-z0-9_]{1,64}$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

// The form can only show well-formed shapes; a document from the raw view
// may have anything where a data type belongs. Such a spot becomes a fresh
// data type (the raw view is the place to repair a document by hand).
export function ensureDataType(owner: Record<string, unknown>, key: string, place: Place): TslDataType {
  const dt = owner[key];
  if (isObject(dt) && typeof dt.type === "string") return dt as TslDataType;
  const type = typesAllowed(place)[0];
  const fresh: TslDataType = { type, specs: defaultSpecs(type, place) };
  owner[key] = fresh;
  return fresh;
}

export function ensureParams(owner: Record<string, unknown>, key: string): TslParam[] {
  if (!Array.isArray(owner[key])) owner[key] = [];
  const list = owner[key] as unknown[];
  for (const [i, p] of list.entries()) if (!isObject(p)) list[i] = newParam();
  return list as TslParam[];
}
