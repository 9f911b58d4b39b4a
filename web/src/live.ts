// Live updates from GET /api/v1/stream (server-sent events). EventSource
// cannot send the Authorization header, so the stream is read with fetch and
// parsed here. It reconnects after a drop (with a growing pause) until the
// page's signal aborts; "open" is reported on every (re)connect so a page can
// refetch what it may have missed.
import { apiBase, authHeaders, query, unauthorized } from "./api";

export interface LiveEvent {
  type: string; // status | properties | event | reply | validation | overflow
  data: Record<string, unknown>;
}

export interface StreamFilter {
  productKey?: string;
  deviceName?: string;
  // Comma-separated event types (status,properties,event,reply,validation); all when absent.
  types?: string;
}

export function openStream(
  filter: StreamFilter,
  onEvent: (e: LiveEvent) => void,
  signal: AbortSignal,
  onOpen: () => void = () => {},
): void {
  let pause = 500;
  const run = async () => {
    while (!signal.aborted) {
      try {
        const res = await fetch(apiBase + "/stream" + query({ ...filter }), {
          headers: { ...authHeaders(), Accept: "text/event-stream" },
          signal,
        });
        if (res.status === 401) return unauthorized();
        // A request the server refuses for good (a bad filter) is not retried;
        // overload (429, 5xx) and network drops are.
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          console.warn(`live updates off: ${apiBase}/stream answered HTTP ${res.status}`);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        pause = 500;
        onOpen();
        await readEvents(res.body, onEvent);
      } catch {
        if (signal.aborted) return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      pause = Math.min(pause * 2, 10000);
    }
  };
  void run();
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: LiveEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue; // keep-alive comment
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const v = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") type = v;
        else if (field === "data") data.push(v);
      }
      if (data.length === 0) continue;
      try {
        onEvent({ type, data: JSON.parse(data.join("\n")) });
      } catch {
        // not JSON: not one of ours; ignore
      }
    }
  }
}
