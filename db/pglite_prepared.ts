// Prepared reads for the embedded database. PGlite sends every query as an unnamed statement, so PostgreSQL parses
// and plans it again each time; for the small reads behind every page and API call the plan cost most of the query
// (the job-card list: planning ≈ 40× its execution here), and PGlite runs on the server's own thread, so that time
// also held up every other request. A plain SELECT whose parameters are all integers is instead prepared once
// (`PREPARE`, by the text) and run with `EXECUTE name(1, 2)` — integers are the only values written into the text,
// so nothing a user sends can change the statement. Anything else, a statement PostgreSQL will not prepare, or one
// whose EXECUTE fails, takes the ordinary path (a failed EXECUTE is retried there once and not prepared again).
// Only used outside transactions: a failed statement inside one would abort it.
import type { PGlite } from "@electric-sql/pglite";

const MAX_STATEMENTS = 256;
const PLAIN_SELECT = /^\s*SELECT\b/i;

export class PreparedReads {
  /** SQL text → statement name (once prepared), or null when it is not to be prepared. */
  #names = new Map<string, Promise<string | null>>();

  constructor(private pg: PGlite) {}

  /** Rows of the statement, or undefined when it must take the ordinary path. */
  async query<T>(text: string, params: unknown[]): Promise<T[] | undefined> {
    if (params.length === 0 || !PLAIN_SELECT.test(text) || !params.every(Number.isSafeInteger)) return undefined;
    let prepared = this.#names.get(text);
    if (!prepared) {
      if (this.#names.size >= MAX_STATEMENTS) return undefined;
      const name = `sluice_read_${this.#names.size + 1}`;
      // registered before it resolves, so concurrent first uses share one PREPARE
      prepared = this.pg.query(`PREPARE ${name} AS ${text}`).then(() => name, () => null);
      this.#names.set(text, prepared);
    }
    const name = await prepared;
    if (!name) return undefined;
    try {
      return (await this.pg.query<T>(`EXECUTE ${name}(${params.join(", ")})`)).rows;
    } catch {
      this.#names.set(text, Promise.resolve(null));
      return undefined;
    }
  }
}
