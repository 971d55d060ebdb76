-- Bronze: every event-log message exactly once, as it arrived.
CREATE TABLE bronze.raw_events (
    id           bigserial PRIMARY KEY,
    topic        text        NOT NULL,
    record_key   text        NOT NULL,
    record_value jsonb       NOT NULL,
    "partition"  integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    event_ts     timestamptz NOT NULL,
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT raw_events_position UNIQUE (topic, "partition", "offset")
);
-- No extra (topic, id) index: silver reads id ranges through the primary key; fewer indexes load faster.

-- Messages that could not be loaded (not JSON, no key), kept byte for byte with the reason.
CREATE TABLE bronze.dead_letter (
    id           bigserial PRIMARY KEY,
    topic        text        NOT NULL,
    "partition"  integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    record_key   text,
    raw_payload  bytea       NOT NULL,
    reason       text        NOT NULL,
    event_ts     timestamptz,
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dead_letter_position UNIQUE (topic, "partition", "offset")
);

-- The next offset each consumer will read per topic-partition; advanced in the same transaction as the rows.
CREATE TABLE bronze.consumer_offsets (
    consumer     text        NOT NULL,
    topic        text        NOT NULL,
    "partition"  integer     NOT NULL,
    next_offset  bigint      NOT NULL CHECK (next_offset >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, "partition")
);
