// Waits for a device's answer to a property set or an async service call.
// The API answers those with a messageId only; the device's reply comes
// later, on the live stream ("reply", requestId = messageId). Should the
// stream be down, the recorded calls (GET …/calls) are looked at a few times
// instead, so the form still learns how it ended.
import { api, devicePath, query, type Page } from "../api";
import { h } from "../dom";
import { pretty } from "./device-data";

export interface DeviceReply {
  code?: number;
  message?: string;
  data?: unknown;
  status: string; // replied | timeout | offline | sent (no answer seen yet)
}

interface CallRecord {
  messageId: string;
  status: string;
  replyCode?: number;
  replyMessage?: string;
  replyData?: unknown;
}

const pollAfterMs = [1500, 4000, 9000];

export class Replies {
  private readonly waiting = new Map<string, (r: DeviceReply) => void>();
  // A quick device answers before the API's reply reaches the form, so
  // recent replies are kept for a wait() that comes after them.
  private readonly early = new Map<string, DeviceReply>();

  constructor(
    private readonly pk: string,
    private readonly dn: string,
    private readonly signal: AbortSignal,
  ) {}

  wait(messageId: string, done: (r: DeviceReply) => void): void {
    const seen = this.early.get(messageId);
    if (seen) {
      this.early.delete(messageId);
      done(seen);
      return;
    }
    this.waiting.set(messageId, done);
    pollAfterMs.forEach((ms, i) => {
      const timer = setTimeout(() => void this.poll(messageId, i === pollAfterMs.length - 1), ms);
      this.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    });
  }

  // A "reply" event from the stream.
  fromStream(data: Record<string, unknown>): void {
    const id = String(data.requestId ?? "");
    const reply: DeviceReply = {
      status: "replied",
      code: typeof data.code === "number" ? data.code : undefined,
      message: typeof data.message === "string" ? data.message : undefined,
      data: data.data,
    };
    if (this.waiting.has(id)) {
      this.finish(id, reply);
      return;
    }
    this.early.set(id, reply);
    if (this.early.size > 50) this.early.delete(this.early.keys().next().value!);
  }

  private finish(id: string, r: DeviceReply): void {
    const done = this.waiting.get(id);
    if (!done) return;
    this.waiting.delete(id);
    done(r);
  }

  private async poll(id: string, last: boolean): Promise<void> {
    if (!this.waiting.has(id) || this.signal.aborted) return;
    try {
      const page = await api<Page<CallRecord>>(
        "GET", `${devicePath(this.pk, this.dn)}/calls` + query({ pageSize: 50 }), undefined, this.signal);
      const call = page.items.find((c) => c.messageId === id);
      if (call && call.status !== "sent") {
        this.finish(id, { status: call.status, code: call.replyCode, message: call.replyMessage, data: call.replyData });
      } else if (last) {
        this.finish(id, { status: "sent" });
      }
    } catch {
      if (last) this.finish(id, { status: "sent" });
    }
  }
}

// How a call ended, for the form that made it.
export function replyView(r: DeviceReply): HTMLElement {
  const hasData = r.data !== undefined && r.data !== null && !(typeof r.data === "object" && Object.keys(r.data as object).length === 0);
  const dataBlock = hasData ? h("pre", {}, pretty(r.data)) : null;
  switch (r.status) {
    case "replied": {
      const text = `The device replied: code ${r.code ?? "?"}${r.message ? ` (${r.message})` : ""}`;
      const ok = r.code === 200;
      return h("div", { class: "reply" }, h("p", { class: ok ? "notice" : "error", role: ok ? "status" : "alert" }, text), dataBlock);
    }
    case "timeout":
      return h("p", { class: "error", role: "alert" }, "The device did not answer in time.");
    case "offline":
      return h("p", { class: "error", role: "alert" }, "The device was not connected, so it did not get the call.");
    default:
      return h("p", { class: "hint" }, "No reply from the device yet.");
  }
}
