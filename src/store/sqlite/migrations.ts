/**
 * Schema changes, applied in order and counted in PRAGMA user_version. Append only: a
 * released migration is never edited, so every existing database upgrades the same way.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     dedupe_key TEXT NOT NULL UNIQUE,
     source TEXT NOT NULL,
     registry TEXT NOT NULL,
     repository TEXT NOT NULL,
     tag TEXT NOT NULL,
     digest TEXT,
     pushed_at TEXT NOT NULL,
     pusher TEXT,
     callback_url TEXT,
     received_at TEXT NOT NULL
   );
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     event_id TEXT NOT NULL REFERENCES events(id),
     pipeline TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT,
     attempt INTEGER NOT NULL DEFAULT 0,
     image_digest TEXT,
     exit_code INTEGER,
     steps TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     finished_at TEXT
   );
   CREATE INDEX runs_by_state ON runs(state, id);
   CREATE INDEX runs_by_event ON runs(event_id);
   CREATE INDEX events_by_repository ON events(repository);`,
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // verdict: written before actions start, so a restart during actions knows the result.
  // run_logs: a run's test output, capped (head and tail kept, the middle counted).
  `ALTER TABLE runs ADD COLUMN verdict TEXT;
   CREATE TABLE run_logs (
     run_id TEXT PRIMARY KEY REFERENCES runs(id),
     head TEXT NOT NULL,
     tail TEXT NOT NULL,
     total_bytes INTEGER NOT NULL,
     dropped_bytes INTEGER NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // Outcome actions: each is written as planned before it is sent, so one not confirmed done
  // can be sent again after a restart (at-least-once).
  `CREATE TABLE run_actions (
     run_id TEXT NOT NULL REFERENCES runs(id),
     id TEXT NOT NULL,
     position INTEGER NOT NULL,
     kind TEXT NOT NULL,
     target TEXT NOT NULL,
     state TEXT NOT NULL,
     attempt_count INTEGER NOT NULL DEFAULT 0,
     attempts TEXT NOT NULL DEFAULT '[]',
     error TEXT,
     result TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (run_id, id)
   );
   CREATE INDEX run_actions_unfinished ON run_actions(state) WHERE state IN ('pending', 'sent');`,
  // image: what a run tests ("registry/repository:tag"), so a newer push of it finds the
  // older runs to supersede through an index. retry_of: the run a retry was made from.
  // runs_queue: the oldest queued runs of one pipeline, without reading the whole queue.
  `ALTER TABLE runs ADD COLUMN image TEXT;
   ALTER TABLE runs ADD COLUMN retry_of TEXT REFERENCES runs(id);
   UPDATE runs SET image = (SELECT e.registry || '/' || e.repository || ':' || e.tag
     FROM events e WHERE e.id = runs.event_id);
   CREATE INDEX runs_queue ON runs(state, pipeline, id);
   CREATE INDEX runs_by_image ON runs(image, pipeline, state, id);`,
  // A dedupe key is no longer unique: a tag moved back to an earlier digest (a rollback) is
  // recorded again. heads: per head key (source|registry|repository|tag with a digest, the
  // dedupe key itself without one, see headKeyOf) the delivery recorded last, filled from the
  // newest event of each. events is rebuilt to drop its UNIQUE; the store runs migrations
  // with foreign keys off and checks them before committing.
  `CREATE TABLE events_rebuilt (
     id TEXT PRIMARY KEY,
     dedupe_key TEXT NOT NULL,
     source TEXT NOT NULL,
     registry TEXT NOT NULL,
     repository TEXT NOT NULL,
     tag TEXT NOT NULL,
     digest TEXT,
     pushed_at TEXT NOT NULL,
     pusher TEXT,
     callback_url TEXT,
     received_at TEXT NOT NULL
   );
   INSERT INTO events_rebuilt (id, dedupe_key, source, registry, repository, tag, digest,
       pushed_at, pusher, callback_url, received_at)
     SELECT id, dedupe_key, source, registry, repository, tag, digest, pushed_at, pusher,
       callback_url, received_at
     FROM events;
   DROP TABLE events;
   ALTER TABLE events_rebuilt RENAME TO events;
   CREATE INDEX events_by_repository ON events(repository);
   CREATE TABLE heads (
     head_key TEXT PRIMARY KEY,
     dedupe_key TEXT NOT NULL,
     event_id TEXT NOT NULL REFERENCES events(id)
   );
   INSERT INTO heads (head_key, dedupe_key, event_id)
     SELECT head_key, dedupe_key, id FROM (
       SELECT head_key, dedupe_key, id, row_number() OVER (
           PARTITION BY head_key ORDER BY received_at DESC, id DESC) AS newest
         FROM (
           SELECT id, dedupe_key, received_at,
             CASE WHEN digest IS NULL THEN dedupe_key
               ELSE source || '|' || registry || '|' || repository || '|' || tag END AS head_key
           FROM events))
     WHERE newest = 1;`,
  // image_source: the tested image's source repository and commit (JSON), read from its labels
  // when its test starts, so actions after a restart still know {{revision}}.
  `ALTER TABLE runs ADD COLUMN image_source TEXT;`,
  // Claims: who holds a run being pulled, tested or acting (an owner: instance id and a token
  // of its process), the engine its containers are on, until when; and what another process
  // asked of it (stop_request: "cancel" or "supersede:<run id>").
  `ALTER TABLE runs ADD COLUMN lease_owner TEXT;
   ALTER TABLE runs ADD COLUMN lease_engine TEXT;
   ALTER TABLE runs ADD COLUMN lease_until TEXT;
   ALTER TABLE runs ADD COLUMN stop_request TEXT;`,
  // sessions: the dashboard's signed-in sessions, by the SHA-256 of their id (the id is only
  // in the cookie), with their form token; idle ones are found by last use.
  // runs_by_retry_of: a run's retries, for its page.
  `CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_seen_at TEXT NOT NULL
   );
   CREATE INDEX sessions_by_last_seen ON sessions(last_seen_at);
   CREATE INDEX runs_by_retry_of ON runs(retry_of) WHERE retry_of IS NOT NULL;`,
  // promotions: tags pushed for runs that passed, written before each push, so the
  // registry's notification of a promotion is answered "promoted" instead of starting a run.
  `CREATE TABLE promotions (
     run_id TEXT NOT NULL REFERENCES runs(id),
     registry TEXT NOT NULL,
     repository TEXT NOT NULL,
     tag TEXT NOT NULL,
     digest TEXT NOT NULL,
     pushed_digest TEXT,
     promoted_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (run_id, registry, repository, tag)
   );
   CREATE INDEX promotions_by_tag ON promotions(registry, repository, tag, promoted_at);`,
];
