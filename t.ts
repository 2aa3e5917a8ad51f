import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
const db = await PGlite.create({ extensions: { unaccent, pg_trgm } });
await db.exec(`create extension if not exists unaccent; create extension if not exists pg_trgm;
create or replace function wasap_fold(text) returns text language sql immutable parallel safe strict as $$ select lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
create table a (id int, n text); create index on a using gin (wasap_fold(n) gin_trgm_ops); insert into a values (1, 'María Fernanda Ñuñez');`);
console.log((await db.query(`select id, wasap_fold(n) from a where wasap_fold(n) like '%' || wasap_fold('maria') || '%'`)).rows);
const c = await db.clone(); console.log((await c.query(`select wasap_fold('ÁÉÍ')`)).rows);
