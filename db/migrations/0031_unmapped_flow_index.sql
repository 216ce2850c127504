-- The sidebar and Home count the work items whose flow metrics pass an unmapped status on every page: a partial
-- index keeps that count to the flagged rows.
CREATE INDEX work_items_flow_unmapped_idx ON work_items (tenant_id) WHERE flow_through_unmapped AND active;
