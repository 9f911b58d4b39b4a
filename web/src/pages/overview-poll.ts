// Runs `tick` now and then every `ms` after the previous tick finished (so a
// slow platform never gets overlapping requests), until `signal` aborts.
// Used by the overview and by the rule page's counters; it would fit a
// shared module if more pages poll.
export function poll(tick: () => Promise<void>, ms: number, signal: AbortSignal): void {
  const run = async () => {
    while (!signal.aborted) {
      try {
        await tick();
      } catch {
        // tick shows its own errors; a throw must not end the loop
      }
      if (signal.aborted) return;
      await sleep(ms, signal);
    }
  };
  void run();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
