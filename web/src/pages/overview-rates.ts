// Messages per second from the broker's running totals (GET /overview
// `messages.received` / `sent`): the difference between two samples over
// the time between them. Until there are two samples, or after the totals
// went backwards (the platform restarted), there is no rate.
export class RateMeter {
  private last: { total: number; time: number } | null = null;

  // The rate since the previous sample, or null when there is none yet.
  sample(total: number, timeMs: number): number | null {
    const prev = this.last;
    this.last = { total, time: timeMs };
    if (!prev || total < prev.total || timeMs <= prev.time) return null;
    return ((total - prev.total) * 1000) / (timeMs - prev.time);
  }
}

// "—" for no rate; one decimal below 10 so a trickle does not read as 0.
export function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  return rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString("en-US");
}
