// The RabbitMQ adapter's second connection, for administration: stats (passive declares), dead-letter browsing,
// purge and delete. Kept apart from the session because a failed passive declare closes its channel, and because
// browsing holds un-acked messages on a channel of its own. Opened lazily, and again after it was lost.
import { AMQPClient, type AMQPMessage, type Logger } from "@cloudamqp/amqp-client";
import type { AMQPChannel } from "@cloudamqp/amqp-client";
import { log } from "../../lib/log.ts";
import { errorText } from "./port.ts";

export class RabbitAdmin {
  #url: string;
  #logger: Logger;
  #client: AMQPClient | undefined;
  #channel: AMQPChannel | undefined;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(url: string, connectionName: string, logger: Logger) {
    const u = new URL(url);
    u.searchParams.set("name", connectionName);
    this.#url = u.toString();
    this.#logger = logger;
  }

  /** Runs fn on the shared admin channel, one call at a time, so a call that closes it cannot break another. */
  withChannel<T>(fn: (ch: AMQPChannel) => Promise<T>): Promise<T> {
    const run = this.#lock.then(async () => {
      if (!this.#channel || this.#channel.closed) this.#channel = await this.#openChannel();
      return await fn(this.#channel);
    });
    this.#lock = run.catch(() => {});
    return run;
  }

  /**
   * Reads a queue from its head on a channel of its own; closing that channel at the end hands every message not
   * acked back to the queue in its place (classic queue), so browsing changes nothing.
   */
  async browse<T>(queue: string, fn: (next: () => Promise<AMQPMessage | null>) => Promise<T>): Promise<T> {
    const ch = await this.#openChannel();
    try {
      return await fn(() => ch.basicGet(queue, { noAck: false }));
    } finally {
      if (!ch.closed) await ch.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.#client && !this.#client.closed) await this.#client.close().catch(() => {});
  }

  async #openChannel(): Promise<AMQPChannel> {
    const ch = await (await this.#connection()).channel();
    // A channel closed by a failed passive declare is an expected answer, reported through the call's promise.
    ch.onerror = (reason) => log.debug("amqp admin channel closed", { reason });
    return ch;
  }

  async #connection(): Promise<AMQPClient> {
    if (this.#client && !this.#client.closed) return this.#client;
    const client = new AMQPClient(this.#url, undefined, this.#logger);
    client.onerror = (e) => log.warn("amqp admin connection closed", { error: errorText(e) });
    await client.connect();
    this.#client = client;
    return client;
  }
}
