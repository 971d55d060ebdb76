-- Warehouse layers: bronze (raw messages), silver (typed, deduplicated), gold (models), quality (check results),
-- meta (migrations, watermarks).
CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS silver;
CREATE SCHEMA IF NOT EXISTS gold;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS meta;
