// Fault injection over a real Queue adapter: every published message can be sent twice (duplicates), and a
// handler that succeeded can be made to "lose its ack" (the delivery fails after the commit, so the real queue
// redelivers it). The messages still travel through the real broker or queue table.
import type { Queryable } from "../../../db/port.ts";
import type { Delivery, Handler, Queue, StageName } from "../../../engine/queue/port.ts";

export interface Faults {
  duplicate?: (stage: StageName) => boolean;
  /** Return true to fail a delivery after its handler returned (first attempts only make sense). */
  failAfter?: (delivery: Delivery) => boolean;
  /** Return true to make a (non-transactional) publish fail, as a broker outage right after a commit would. */
  failPublish?: (stage: StageName) => boolean;
}

type TxQueue = Queue & { publishTx?: (tx: Queryable, stage: StageName, messages: object[]) => Promise<void> };

export interface FaultStats {
  duplicated: number;
  failedAfter: number;
  failedPublishes: number;
}

export function faultyQueue(inner: TxQueue, faults: Faults): { queue: Queue; stats: FaultStats } {
  const stats = { duplicated: 0, failedAfter: 0, failedPublishes: 0 };
  const twice = (stage: StageName, messages: object[]) => {
    if (!faults.duplicate?.(stage)) return messages;
    stats.duplicated += messages.length;
    return [...messages, ...messages];
  };
  const queue: TxQueue = {
    kind: inner.kind,
    maxAttempts: inner.maxAttempts,
    queueName: (stage) => inner.queueName(stage),
    publish: (stage, messages) => {
      if (faults.failPublish?.(stage)) {
        stats.failedPublishes++;
        return Promise.reject(new Error(`injected: publish to ${stage} failed`));
      }
      return inner.publish(stage, twice(stage, messages));
    },
    consume: (stage, handler: Handler, options) =>
      inner.consume(stage, async (delivery) => {
        await handler(delivery);
        if (faults.failAfter?.(delivery)) {
          stats.failedAfter++;
          throw new Error("injected: the ack of a handled delivery was lost");
        }
      }, options),
    stats: () => inner.stats(),
    listDeadLetters: (stage, limit) => inner.listDeadLetters(stage, limit),
    requeueDeadLetter: (stage, id) => inner.requeueDeadLetter(stage, id),
    deleteDeadLetters: (stage, ids) => inner.deleteDeadLetters(stage, ids),
    purge: (stage) => inner.purge(stage),
    close: () => inner.close(),
  };
  if (inner.publishTx) {
    const publishTx = inner.publishTx.bind(inner);
    queue.publishTx = (tx, stage, messages) => {
      if (faults.failPublish?.(stage)) {
        stats.failedPublishes++;
        return Promise.reject(new Error(`injected: publish to ${stage} failed inside the transaction`));
      }
      return publishTx(tx, stage, twice(stage, messages));
    };
  }
  return { queue, stats };
}
