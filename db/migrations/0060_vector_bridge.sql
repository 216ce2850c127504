-- Vectors (engine/vectors): the bridge row of a vectorised record says where its point lives (which store and
-- collection), which embedder produced it, its dimension and when, and the hash of the text it was made from, so
-- unchanged text is not embedded again, a changed embedder re-embeds, and a record that is gone loses its point.
ALTER TABLE qdrant_vectors
  ADD COLUMN store text NOT NULL DEFAULT 'exact',
  ADD COLUMN dimensions int,
  ADD COLUMN embedded_at timestamptz;
ALTER TABLE qdrant_vectors ALTER COLUMN store DROP DEFAULT;
CREATE INDEX qdrant_vectors_kind_idx ON qdrant_vectors (tenant_id, table_name, embedder);

-- The database vector store now keeps its own tables (created at run time: pgvector `vector` where the extension
-- exists, `real[]` where it does not), one collection per record kind and model. The old per-tenant-table layout
-- goes; its records count as pending and are embedded again in the background at the next start.
DELETE FROM qdrant_vectors;
DROP TABLE vector_points;

-- Records whose embedding failed on the batch's last attempt: counted as "failed" on the Qdrant page and retried by
-- the next run or a re-embed (never stored as a zero vector). A successful embedding removes the row.
CREATE TABLE vector_failures (
  tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  table_name text NOT NULL,
  record_id bigint NOT NULL,
  embedder text NOT NULL,
  error text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, table_name, record_id)
);
