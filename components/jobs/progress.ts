// Records/s and ETA of a running job, computed in the browser from successive progress updates (each update is a
// sample of totals). Until two samples show movement both are unknown and the card shows "—".

export interface ProgressSample {
  at: number;
  records: number;
  done: number;
  expected: number;
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

  /** Adds a sample; a new run id starts over. Samples that change nothing keep the window's oldest point. */
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
    const recordsDelta = last.records - first.records;
    const doneDelta = last.done - first.done;
    const recordsPerSecond = recordsDelta > 0 ? recordsDelta / seconds : null;
    const remaining = last.expected - last.done;
    let etaMs: number | null = null;
    if (doneDelta > 0 && remaining >= 0) etaMs = (remaining / (doneDelta / seconds)) * 1000;
    return { recordsPerSecond, etaMs };
  }
}
