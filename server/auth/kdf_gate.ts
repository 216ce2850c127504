// Password checks cost ~0.3 s of CPU each (600k PBKDF2 rounds). Bounding how many run at once keeps a flood of
// login requests from starving the server; the excess is told to retry shortly (503) instead of queuing forever.
export class KdfGate {
  #running = 0;
  constructor(private readonly limit = 4) {}

  /** Runs fn if a slot is free; returns undefined when the gate is full. */
  async tryRun<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.#running >= this.limit) return undefined;
    this.#running++;
    try {
      return { value: await fn() };
    } finally {
      this.#running--;
    }
  }
}
