-- Search that finds people (server/db/queries/search.ts): accent- and case-insensitive matching with Postgres's own
-- unaccent and pg_trgm (trusted extensions since Postgres 13: the database owner may create them; PGlite loads both).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change), so an index needs this IMMUTABLE wrapper with the
-- dictionary named: "María" and "MARIA" both fold to "maria".
CREATE OR REPLACE FUNCTION wasap_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;--> statement-breakpoint
-- What a recruiter may search an aspirant by: names, e-mail, city and the form's notes, folded, one text. Names inside
-- are schema-qualified: Postgres 17 (PGlite's) builds indexes with a search_path of pg_catalog only.
CREATE OR REPLACE FUNCTION wasap_aspirant_text(first_name text, last_name text, whatsapp_name text, email text, location text, notes text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT public.wasap_fold(concat_ws(' ', first_name, last_name, whatsapp_name, email, location, notes)) $$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS aspirants_search_idx ON aspirants
  USING gin (wasap_aspirant_text(first_name, last_name, whatsapp_name, email, location, notes) gin_trgm_ops);
--> statement-breakpoint
-- Message text, folded, for the search's message match (fastupdate: inserts append to GIN's pending list).
CREATE INDEX IF NOT EXISTS messages_body_search_idx ON messages USING gin (public.wasap_fold(body) gin_trgm_ops);
