// Concurrent identical reads on the embedded database share one query. PGlite is one connection that runs
// statements strictly one after another, so under load every request's read waited behind all the others; now a
// read that arrives while the same read is queued or running takes that result instead of queueing its own. This
// cannot return anything older than a separate query would: statements run in arrival order, so a read still in
// flight when a request arrives was issued after every write that had finished by then. On PostgreSQL (a pool of
// connections, reads racing writes) reads are not shared, since that ordering does not hold.
import type { Db, Queryable } from "./port.ts";

const inFlight = new WeakMap<Queryable, Map<string, Promise<unknown>>>();

/** Runs `read`, or joins the identical read already in flight on this embedded database (a deep copy for each). */
export function sharedRead<T>(db: Queryable, key: string, read: () => Promise<T>): Promise<T> {
  if ((db as Partial<Db>).kind !== "pglite") return read();
  let running = inFlight.get(db);
  if (!running) inFlight.set(db, running = new Map());
  const pending = running.get(key) as Promise<T> | undefined;
  // joiners get their own copy: callers may change what they receive
  if (pending) return pending.then((value) => structuredClone(value));
  const started = read().finally(() => running.delete(key));
  running.set(key, started);
  return started;
}
