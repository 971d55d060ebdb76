-- Helpers for typing bronze JSON in silver without aborting a whole statement on one bad value.

-- A date or NULL when the text is not a valid date (accepts DummyJSON's unpadded "YYYY-M-D").
CREATE FUNCTION meta.try_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF t IS NULL OR t !~ '^\d{4}-\d{1,2}-\d{1,2}' THEN RETURN NULL; END IF;
    RETURN t::date;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- A timestamptz or NULL when the text is not one.
CREATE FUNCTION meta.try_timestamptz(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF t IS NULL OR t !~ '^\d{4}-\d{2}-\d{2}' THEN RETURN NULL; END IF;
    RETURN t::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- A JSON time: epoch milliseconds (numbers above 1e11) or seconds, or an ISO-8601 string; NULL otherwise.
CREATE FUNCTION meta.json_ts(j jsonb) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE jsonb_typeof(j)
        WHEN 'number' THEN CASE WHEN (j::text)::numeric > 1e11
                                THEN to_timestamp(((j::text)::numeric / 1000)::double precision)
                                ELSE to_timestamp((j::text)::double precision) END
        WHEN 'string' THEN meta.try_timestamptz(j #>> '{}')
        ELSE NULL END
$$;

-- True when the JSON value is a number or a numeric string.
CREATE FUNCTION meta.is_num(j jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(j #>> '{}', '') ~ '^-?\d+(\.\d+)?([eE][-+]?\d+)?$' AND jsonb_typeof(j) IN ('number', 'string')
$$;

-- True when the JSON value is a non-negative integer that fits in integer.
CREATE FUNCTION meta.is_int(j jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(j #>> '{}', '') ~ '^\d{1,9}$' AND jsonb_typeof(j) IN ('number', 'string')
$$;
