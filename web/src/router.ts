// Hash routes (#/devices/pk/dn): the server only ever serves index.html and
// its assets, and a reload keeps the page. Each page gets an AbortSignal that
// fires when the user navigates away, which stops its live streams, timers
// and pending requests.
export type Params = Record<string, string>;
export type PageFn = (root: HTMLElement, params: Params, signal: AbortSignal) => void | Promise<void>;

interface Route {
  parts: string[];
  page: PageFn;
}

const routes: Route[] = [];

export function route(pattern: string, page: PageFn): void {
  routes.push({ parts: pattern.split("/").filter(Boolean), page });
}

// The current hash's path and query: "#/devices?product=x" -> ["/devices", {product: "x"}].
export function currentLocation(): { path: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#/, "") || "/";
  const q = raw.indexOf("?");
  return {
    path: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)),
  };
}

export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return "#" + path + (s ? "?" + s : "");
}

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  location.hash = href(path, query).slice(1);
}

export function match(path: string): { page: PageFn; params: Params } | null {
  const parts = path.split("/").filter(Boolean);
  for (const r of routes) {
    if (r.parts.length !== parts.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const p = r.parts[i];
      if (p.startsWith(":")) {
        const value = safeDecode(parts[i]);
        if (value === null) ok = false;
        else params[p.slice(1)] = value;
      } else if (p !== parts[i]) ok = false;
    }
    if (ok) return { page: r.page, params };
  }
  return null;
}

// A hand-edited hash with a stray '%' is "no such page", not an exception.
function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
