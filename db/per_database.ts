// One instance of something per database handle — the in-memory caches that follow a database's notifications —
// created (and so subscribed) on first use.
import type { Db, Queryable } from "./port.ts";

export function perDatabase<T>(create: (db: Db) => T) {
  const made = new WeakMap<Queryable, T>();
  return {
    /** The instance for this database, created now if there is none. */
    of(db: Db): T {
      let instance = made.get(db);
      if (!instance) made.set(db, instance = create(db));
      return instance;
    },
    /** The instance if one was created (a transaction handle or an unused database has none). */
    existing(db: Queryable): T | undefined {
      return made.get(db);
    },
  };
}
