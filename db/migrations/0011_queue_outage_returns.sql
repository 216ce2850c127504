-- RabbitMQ deliveries a process lost to a broker outage (engine/queue/shared_outage_ledger.ts). The broker counts
-- such a return as a delivery, just like a holder's crash, and only the holder knows which it was; recorded here, a
-- consumer of ANY process takes it off the message's attempt count when the broker redelivers it.
CREATE TABLE queue_outage_returns (
  message_id text PRIMARY KEY,
  returns int NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
