// Keyed coalescing: updates for one key are merged and flushed at most once per interval, so a run that commits
// hundreds of batches a second still produces at most a few frames per second. The first update for a key is
// flushed at once (so a run start shows up immediately); later ones wait for the interval to pass.
export class Coalescer<T> {
  #pending = new Map<string, T>();
  #lastFlush = new Map<string, number>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly intervalMs: number,
    private readonly merge: (previous: T, next: T) => T,
    private readonly flush: (key: string, value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(key: string, value: T, urgent = false) {
    const previous = this.#pending.get(key);
    this.#pending.set(key, previous === undefined ? value : this.merge(previous, value));
    const since = this.now() - (this.#lastFlush.get(key) ?? -Infinity);
    if (urgent || (since >= this.intervalMs && !this.#timers.has(key))) {
      this.#emit(key);
    } else if (!this.#timers.has(key)) {
      const wait = Math.max(this.intervalMs - since, 0);
      this.#timers.set(key, setTimeout(() => this.#emit(key), wait));
    }
  }

  #emit(key: string) {
    const timer = this.#timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(key);
    const value = this.#pending.get(key);
    if (value === undefined) return;
    this.#pending.delete(key);
    this.#lastFlush.set(key, this.now());
    this.flush(key, value);
  }

  /** Flushes everything pending now (shutdown). */
  drain() {
    for (const key of [...this.#pending.keys()]) this.#emit(key);
  }

  close() {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#pending.clear();
  }
}
