// The console's only way to the platform: the REST API under /api/v1, with
// the session's bearer token. Errors arrive as ApiError carrying the API's
// stable `code`, its message and the whole body (some carry `line`/`column`
// or a `data` list), so pages can show them next to what caused them.
import { clearToken, token } from "./session";

export const apiBase = "/api/v1";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

// Called when the API answers 401: the token is gone or was replaced.
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

// The token was refused: forget it and let the shell show the login.
export function unauthorized(): void {
  clearToken();
  onUnauthorized();
}

export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, "NetworkError", "the platform cannot be reached: " + String(e));
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as Record<string, unknown>;
    const code = typeof b.code === "string" ? b.code : `HTTP${res.status}`;
    const message = typeof b.message === "string" ? b.message : text || res.statusText;
    if (res.status === 401) unauthorized();
    throw new ApiError(res.status, code, message, b);
  }
  return parsed as T;
}

// Path segments (product keys, device names, identifiers) are user data.
export function seg(s: string): string {
  return encodeURIComponent(s);
}

export function devicePath(pk: string, dn: string): string {
  return `/products/${seg(pk)}/devices/${seg(dn)}`;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}
