// The shapes the API gives for devices and thing models (src/api/json_views.cpp,
// thing_views.cpp, GET /products/{pk}/thing-model), and small readers the
// device pages share.
import { api, devicePath, seg } from "../api";
import { formatTime, formatValue } from "../dom";

export interface Device {
  productKey: string;
  deviceName: string;
  deviceSecret?: string; // GET on one device, register and rotate replies; never in lists
  status: string; // inactive | online | offline | disabled
  enabled: boolean;
  createdTime: number;
  firstOnlineTime: number;
  lastOnlineTime: number;
  ipAddress: string;
  firmwareVersion: string;
  tags: Record<string, string>;
}

export interface Product {
  productKey: string;
  name: string;
}

export interface DataType {
  type: string; // int float double text enum bool date struct array
  specs?: Record<string, unknown> | unknown[];
}

export interface TslParam {
  identifier: string;
  name?: string;
  dataType: DataType;
}

export interface TslProperty extends TslParam {
  accessMode?: string; // r | rw
}

export interface TslEvent {
  identifier: string;
  name?: string;
  type?: string;
  outputData?: TslParam[];
}

export interface TslService {
  identifier: string;
  name?: string;
  callType?: string; // async | sync
  inputData?: TslParam[];
  outputData?: TslParam[];
}

export interface ThingModel {
  properties: TslProperty[];
  events: TslEvent[];
  services: TslService[];
}

export interface LatestProperty {
  identifier: string;
  value: unknown;
  time: number;
  name?: string;
  unit?: string;
}

export interface DeviceEvent {
  identifier: string;
  type: string;
  value: unknown;
  time: number;
}

export interface CallResult {
  messageId: string;
  code?: number;
  data?: unknown;
  message?: string;
}

export async function fetchThingModel(pk: string, signal?: AbortSignal): Promise<ThingModel> {
  const doc = await api<Partial<ThingModel>>("GET", `/products/${seg(pk)}/thing-model`, undefined, signal);
  return { properties: doc.properties ?? [], events: doc.events ?? [], services: doc.services ?? [] };
}

export function fetchDevice(pk: string, dn: string, signal?: AbortSignal): Promise<Device> {
  return api<Device>("GET", devicePath(pk, dn), undefined, signal);
}

export function specsObject(t: DataType): Record<string, unknown> {
  return t.specs && !Array.isArray(t.specs) ? t.specs : {};
}

export function unitOf(t: DataType): string {
  const u = specsObject(t).unit;
  return typeof u === "string" ? u : "";
}

export function isNumeric(t: DataType): boolean {
  return ["int", "float", "double", "enum", "bool"].includes(t.type);
}

// What an enum or bool value means ("auto" for 0), or "" when nothing to say.
export function meaning(t: DataType | undefined, value: unknown): string {
  if (!t || (t.type !== "enum" && t.type !== "bool")) return "";
  const m = specsObject(t)[String(value)];
  return typeof m === "string" ? m : "";
}

// The services a person calls from the console: the built-in set/get are
// covered by the property form and the latest values.
export function callableServices(m: ThingModel): TslService[] {
  return m.services.filter((s) => s.identifier !== "set" && s.identifier !== "get");
}

// A params skeleton for a service's inputs, so the JSON box starts useful.
export function paramsTemplate(inputs: TslParam[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of inputs ?? []) out[p.identifier] = sampleValue(p.dataType);
  return out;
}

function sampleValue(t: DataType): unknown {
  switch (t.type) {
    case "int":
    case "float":
    case "double": {
      const min = Number(specsObject(t).min);
      return Number.isFinite(min) && min > 0 ? min : 0;
    }
    case "enum":
    case "bool":
      return Number(Object.keys(specsObject(t))[0] ?? 0);
    case "text":
      return "";
    case "date":
      return String(Date.now());
    case "struct":
      return Object.fromEntries(
        (Array.isArray(t.specs) ? (t.specs as TslParam[]) : []).map((m) => [m.identifier, sampleValue(m.dataType)]),
      );
    case "array":
      return [];
    default:
      return null;
  }
}

export function label(x: { identifier: string; name?: string }): string {
  return x.name && x.name !== x.identifier ? `${x.name} (${x.identifier})` : x.identifier;
}

export function pretty(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v, null, 2) ?? formatValue(v);
}

// A time from a stream payload: ms since the epoch, or an ISO string (the
// status message's utcTime); now when absent or unreadable.
export function timeOf(v: unknown): number {
  const t = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : Date.now();
}

// "23:08:13" for today, the full date and time otherwise: recent values are
// the common case and a phone's table has no room for dates.
export function shortTime(ms: number | null | undefined): string {
  const full = formatTime(ms);
  if (!ms) return full;
  const today = formatTime(Date.now()).slice(0, 10);
  return full.startsWith(today) ? full.slice(11) : full;
}
