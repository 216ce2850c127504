// Chooses the Queue adapter from configuration: RabbitMQ when an AMQP URL is given, the database queue otherwise.
import type { Db } from "../../db/port.ts";
import { type DbQueueOptions, openDbQueue } from "./db_queue.ts";
import type { Queue, QueueSettings } from "./port.ts";
import { openRabbitQueue, type RabbitQueueOptions } from "./rabbit_queue.ts";
import { dbOutageLedger } from "./shared_outage_ledger.ts";

export interface OpenQueueOptions extends QueueSettings {
  /** AMQP_URL; unset → the queue lives in `db`. */
  amqpUrl?: string;
  db: Db;
  rabbit?: Omit<RabbitQueueOptions, "url" | keyof QueueSettings>;
  database?: Omit<DbQueueOptions, keyof QueueSettings>;
}

export async function openQueue(options: OpenQueueOptions): Promise<Queue> {
  const { amqpUrl, db, rabbit, database, ...settings } = options;
  // the broker's outage returns are recorded in the database, so any process's consumer forgives them
  if (amqpUrl) return await openRabbitQueue({ sharedLedger: dbOutageLedger(db), ...rabbit, ...settings, url: amqpUrl });
  return await openDbQueue(db, { ...database, ...settings });
}
