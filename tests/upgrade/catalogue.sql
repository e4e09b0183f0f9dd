-- The catalogue of a Sociale Kaart database, one line per object, sorted: what
-- tests/upgrade/run.sh compares between an upgraded and a fresh database.
-- Covers the public schema (extension members left out): tables and their
-- columns, constraints, indexes, sequences, views, routines, triggers, composite
-- types; and the recorded schema files and API checksums.
\pset format unaligned
\pset tuples_only on
WITH ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e'),
rels AS (SELECT c.* FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.oid NOT IN (SELECT objid FROM ext))
SELECT line FROM (
    SELECT format('column %s.%s %s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                  coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
      FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relkind IN ('r', 'p', 'v', 'c')
    UNION ALL
    SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
      FROM pg_constraint k JOIN rels c ON c.oid = k.conrelid
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(c.oid)) FROM rels c WHERE c.relkind IN ('i', 'I')
    UNION ALL
    SELECT format('sequence %s', c.relname) FROM rels c WHERE c.relkind = 'S'
    UNION ALL
    SELECT format('view %s %s', c.relname, pg_get_viewdef(c.oid)) FROM rels c WHERE c.relkind = 'v'
    UNION ALL
    SELECT format('routine %s', pg_get_functiondef(p.oid))
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.oid NOT IN (SELECT objid FROM ext)
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(t.oid))
      FROM pg_trigger t JOIN rels c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('extension %s', extname) FROM pg_extension
    UNION ALL
    SELECT format('schema file %s %s', name, checksum) FROM schema_migrations
    UNION ALL
    SELECT format('api file %s %s %s', position, file, checksum) FROM schema_api
) lines ORDER BY line;
