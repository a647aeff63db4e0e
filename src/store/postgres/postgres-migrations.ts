/**
 * The PostgreSQL schema, one numbered migration per entry, applied in order and recorded in
 * pushgate_migrations. Append only: a released migration is never edited. The first is the
 * SQLite schema as it stands after its own migrations (ids and pipeline names compare
 * byte-wise, as SQLite's do, so "oldest first" is the order of ids).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id text COLLATE "C" PRIMARY KEY,
     dedupe_key text NOT NULL,
     source text NOT NULL,
     registry text NOT NULL,
     repository text NOT NULL,
     tag text NOT NULL,
     digest text,
     pushed_at timestamptz NOT NULL,
     pusher text,
     callback_url text,
     received_at timestamptz NOT NULL
   );
   CREATE INDEX events_by_repository ON events (repository);
   CREATE TABLE heads (
     head_key text PRIMARY KEY,
     dedupe_key text NOT NULL,
     event_id text COLLATE "C" NOT NULL REFERENCES events (id)
   );
   CREATE TABLE runs (
     id text COLLATE "C" PRIMARY KEY,
     event_id text COLLATE "C" NOT NULL REFERENCES events (id),
     pipeline text COLLATE "C" NOT NULL,
     state text NOT NULL,
     reason text,
     attempt integer NOT NULL DEFAULT 0,
     image_digest text,
     exit_code integer,
     verdict text,
     steps jsonb NOT NULL DEFAULT '{}',
     image text NOT NULL,
     retry_of text COLLATE "C" REFERENCES runs (id),
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     finished_at timestamptz
   );
   CREATE INDEX runs_by_state ON runs (state, id);
   CREATE INDEX runs_by_event ON runs (event_id);
   CREATE INDEX runs_queue ON runs (state, pipeline, id);
   CREATE INDEX runs_by_image ON runs (image, pipeline, state, id);
   CREATE TABLE run_logs (
     run_id text COLLATE "C" PRIMARY KEY REFERENCES runs (id),
     head jsonb NOT NULL,
     tail jsonb NOT NULL,
     total_bytes bigint NOT NULL,
     dropped_bytes bigint NOT NULL,
     updated_at timestamptz NOT NULL
   );
   CREATE TABLE run_actions (
     run_id text COLLATE "C" NOT NULL REFERENCES runs (id),
     id text NOT NULL,
     position integer NOT NULL,
     kind text NOT NULL,
     target text NOT NULL,
     state text NOT NULL,
     attempt_count integer NOT NULL DEFAULT 0,
     attempts jsonb NOT NULL DEFAULT '[]',
     error text,
     result jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     PRIMARY KEY (run_id, id)
   );
   CREATE INDEX run_actions_unfinished ON run_actions (state) WHERE state IN ('pending', 'sent');
   CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);`,
  // Claims: who holds a run being pulled, tested or acting (an owner: instance id and a token
  // of its process), the engine its containers are on, until when; and what another replica
  // asked of it (stop_request: "cancel" or "supersede:<run id>").
  `ALTER TABLE runs ADD COLUMN lease_owner text;
   ALTER TABLE runs ADD COLUMN lease_engine text;
   ALTER TABLE runs ADD COLUMN lease_until timestamptz;
   ALTER TABLE runs ADD COLUMN stop_request text;
   CREATE INDEX runs_held ON runs (state, lease_until) WHERE state IN ('pulling', 'testing', 'acting');`,
  // image_source: the tested image's source repository and commit, read from its labels when
  // its test starts, so actions after a restart still know {{revision}} (as SQLite's).
  `ALTER TABLE runs ADD COLUMN image_source jsonb;`,
  // sessions: the dashboard's signed-in sessions, by the SHA-256 of their id (the id is only
  // in the cookie), with their form token; idle ones are found by last use (as SQLite's).
  // runs_by_retry_of: a run's retries, for its page.
  `CREATE TABLE sessions (
     id_hash text PRIMARY KEY,
     csrf_token text NOT NULL,
     created_at timestamptz NOT NULL,
     last_seen_at timestamptz NOT NULL
   );
   CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
   CREATE INDEX runs_by_retry_of ON runs (retry_of) WHERE retry_of IS NOT NULL;`,
  // promotions: tags pushed for runs that passed, written before each push, so the
  // registry's notification of a promotion is answered "promoted" instead of starting a run
  // (as SQLite's); seq keeps the order they were first written in.
  `CREATE TABLE promotions (
     run_id text COLLATE "C" NOT NULL REFERENCES runs (id),
     registry text NOT NULL,
     repository text NOT NULL,
     tag text NOT NULL,
     digest text NOT NULL,
     pushed_digest text,
     promoted_at timestamptz NOT NULL,
     created_at timestamptz NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY,
     PRIMARY KEY (run_id, registry, repository, tag)
   );
   CREATE INDEX promotions_by_tag ON promotions (registry, repository, tag, promoted_at);`,
];
