-- The scheduler lease's epoch (issue 19): it grows by one each time another scheduler takes the lease over, and the
-- holder's engine writes name it, so a scheduler that lost the lease (frozen, partitioned) cannot write any more.
ALTER TABLE scheduler_lease ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
