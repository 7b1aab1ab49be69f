/**
 * Chrome stops an idle MV3 service worker after ~30 s, even mid-download or mid-generation.
 * Any extension API call resets that timer, so while work is pending we make a cheap one.
 */
export function createKeepAlive(ping: () => Promise<unknown>, intervalMs = 20_000) {
  let pending = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return async function keepAlive<T>(work: Promise<T>): Promise<T> {
    pending += 1;
    timer ??= setInterval(() => void ping().catch(() => undefined), intervalMs);
    try {
      return await work;
    } finally {
      pending -= 1;
      if (pending === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    }
  };
}
