-- The embedded queue (engine/queue/db_queue.ts), used when AMQP_URL is unset: stage messages live in the same
-- database as the data, so a stage can commit its rows and its next messages in one transaction.

-- Declared queues. A message must name one (foreign key), so publishing to a queue that was never declared or
-- has been deleted fails like an unroutable mandatory publish on RabbitMQ instead of vanishing.
CREATE TABLE queue_names (
  name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_.-]*$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE queue_messages (
  id bigserial PRIMARY KEY,
  queue text NOT NULL REFERENCES queue_names(name) ON DELETE CASCADE,
  body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  state text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'dead')),
  -- deliveries so far: incremented by every claim, so (id, attempts) names one lease
  attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- a ready message is claimable once visible_at has passed; a claim pushes it out by the visibility timeout and
  -- the consumer's heartbeat keeps pushing it, so a crashed consumer's messages come back on their own
  visible_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  dead_at timestamptz,
  CHECK ((state = 'dead') = (dead_at IS NOT NULL))
);
-- claim scan: oldest ready message of a queue first
CREATE INDEX queue_messages_ready_idx ON queue_messages (queue, id) WHERE state = 'ready';
CREATE INDEX queue_messages_dead_idx ON queue_messages (queue, dead_at, id) WHERE state = 'dead';
-- heartbeat lease renewal and settlement by consumer
CREATE INDEX queue_messages_locked_by_idx ON queue_messages (locked_by) WHERE locked_by IS NOT NULL;

-- Live consumers of every instance (for the admin page); a row whose heartbeat is older than the visibility
-- timeout belongs to a consumer that died.
CREATE TABLE queue_consumers (
  id text PRIMARY KEY,
  queue text NOT NULL REFERENCES queue_names(name) ON DELETE CASCADE,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_consumers_queue_idx ON queue_consumers (queue, heartbeat_at);
