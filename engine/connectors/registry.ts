// Connectors by job type (etl_jobs.job_type). The engine never imports a connector directly: the app registers
// the ones it ships, tests register the synthetic one.
import type { Connector } from "../connector.ts";
import { EngineError } from "../errors.ts";

export class ConnectorRegistry {
  #byType = new Map<string, Connector>();

  constructor(connectors: Iterable<Connector> = []) {
    for (const c of connectors) this.register(c);
  }

  register(connector: Connector): this {
    if (this.#byType.has(connector.type)) throw new Error(`connector ${connector.type} is registered twice`);
    if (connector.steps.length === 0) throw new Error(`connector ${connector.type} has no steps`);
    const keys = new Set(connector.steps.map((s) => s.key));
    if (keys.size !== connector.steps.length) throw new Error(`connector ${connector.type} repeats a step key`);
    this.#byType.set(connector.type, connector);
    return this;
  }

  get(type: string): Connector | undefined {
    return this.#byType.get(type);
  }

  require(type: string): Connector {
    const c = this.#byType.get(type);
    if (!c) throw new EngineError("connector_missing", `no connector is installed for job type ${type}`);
    return c;
  }

  get types(): string[] {
    return [...this.#byType.keys()];
  }

  /** Steps in run order. */
  stepKeys(type: string): string[] {
    return [...this.require(type).steps].sort((a, b) => a.order - b.order).map((s) => s.key);
  }
}
