// Records/s and ETA of a running job, computed in the browser from successive progress updates (each update is a
// sample of totals). Records/s needs two samples that show movement; the ETA also needs to know how many records
// are still expected (the source's estimate): remaining ÷ recent rate. Until then both are unknown and hidden.

export interface ProgressSample {
  at: number;
  /** Records extracted so far in the run. */
  records: number;
  /** Records still expected (from the sources' estimates), or null when unknown. */
  remaining: number | null;
}

export interface RateEstimate {
  recordsPerSecond: number | null;
  etaMs: number | null;
}

const WINDOW_MS = 60_000;
const MAX_SAMPLES = 120;

export class RateTracker {
  #samples: ProgressSample[] = [];
  #runId: number | null = null;

  /** Adds a sample; a new run id starts over. Out-of-order samples are dropped. */
  add(runId: number, sample: ProgressSample): void {
    if (runId !== this.#runId) {
      this.#runId = runId;
      this.#samples = [];
    }
    const last = this.#samples.at(-1);
    if (last && sample.at <= last.at) return;
    this.#samples.push(sample);
    const cutoff = sample.at - WINDOW_MS;
    while (this.#samples.length > 2 && (this.#samples[1].at <= cutoff || this.#samples.length > MAX_SAMPLES)) {
      this.#samples.shift();
    }
  }

  reset(): void {
    this.#samples = [];
    this.#runId = null;
  }

  estimate(): RateEstimate {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at <= first.at) return { recordsPerSecond: null, etaMs: null };
    const seconds = (last.at - first.at) / 1000;
    const delta = last.records - first.records;
    const recordsPerSecond = delta > 0 ? delta / seconds : null;
    const etaMs = recordsPerSecond !== null && last.remaining !== null
      ? (last.remaining / recordsPerSecond) * 1000
      : null;
    return { recordsPerSecond, etaMs };
  }
}
