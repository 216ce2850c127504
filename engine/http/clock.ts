// Time as a dependency, so retry and pacing logic can be tested in milliseconds instead of minutes.

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * A clock whose sleeps return immediately and move time forward by the slept amount. Tests read `sleeps` to see
 * exactly which waits the code under test asked for. Share one instance with a fake server to keep both in step.
 */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const wait = Math.max(0, ms);
    this.sleeps.push(wait);
    this.t += wait;
    return Promise.resolve();
  }
  get totalSlept(): number {
    return this.sleeps.reduce((a, b) => a + b, 0);
  }
}
