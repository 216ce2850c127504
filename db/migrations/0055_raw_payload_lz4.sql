-- Raw pages are written once per extracted page and read once per transform: lz4 compresses a 1 MB GitHub PR page
-- (50 PRs with their first commits, reviews and comments) about twice as fast as the default pglz, which was a fifth
-- of the page-to-commit time in bench/github_bench.ts. Only new values use it; stored ones stay readable. Servers
-- built without lz4 (PGlite, some packages) keep pglz.
DO $$
BEGIN
  ALTER TABLE raw_extraction_data ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'raw_extraction_data.payload keeps the default compression: %', SQLERRM;
END $$;
