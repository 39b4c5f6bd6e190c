-- Work queues: claims by operation, stage and last step (the stage is in clear for this); removal
-- requests by operation and date.
CREATE INDEX claims_queue ON claims (operation_id, stage, updated_at);
CREATE INDEX removal_requests_operation ON removal_requests (operation_id, created_at);
