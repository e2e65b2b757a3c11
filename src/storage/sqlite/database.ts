import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * Schema versions, applied in order. Each entry runs once and is recorded in
 * `schema_version`; never edit an entry that has shipped, add a new one.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE keys (
    owner TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    private_jwk TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (owner, algorithm)
  );
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
  );
  CREATE TABLE practices (
    iri TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    local INTEGER NOT NULL,
    source_actor TEXT,
    status TEXT NOT NULL,
    published TEXT,
    updated TEXT NOT NULL,
    deleted TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX practices_listing ON practices (deleted, status, published);
  CREATE TABLE replies (
    iri TEXT PRIMARY KEY,
    root_iri TEXT NOT NULL,
    in_reply_to TEXT NOT NULL,
    author_iri TEXT NOT NULL,
    author_account_id INTEGER,
    content_html TEXT NOT NULL,
    language TEXT,
    url TEXT,
    published TEXT NOT NULL,
    updated TEXT,
    deleted TEXT,
    local INTEGER NOT NULL
  );
  CREATE INDEX replies_root ON replies (root_iri, published);
  CREATE TABLE reactions (
    activity_iri TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    actor_iri TEXT NOT NULL,
    object_iri TEXT NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (type, actor_iri, object_iri)
  );
  CREATE INDEX reactions_object ON reactions (object_iri);
  CREATE TABLE followers (
    target TEXT NOT NULL,
    actor_iri TEXT NOT NULL,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    handle TEXT,
    name TEXT,
    follow_iri TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (target, actor_iri)
  );
  CREATE TABLE following (
    actor_iri TEXT PRIMARY KEY,
    handle TEXT NOT NULL,
    name TEXT,
    inbox TEXT NOT NULL,
    follow_iri TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created TEXT NOT NULL
  );
  CREATE TABLE remote_actors (
    iri TEXT PRIMARY KEY,
    handle TEXT,
    name TEXT,
    url TEXT,
    type TEXT NOT NULL,
    inbox TEXT,
    shared_inbox TEXT,
    fetched TEXT NOT NULL
  );
  CREATE TABLE inbound_log (
    id INTEGER PRIMARY KEY,
    received TEXT NOT NULL,
    activity_iri TEXT,
    type TEXT NOT NULL,
    actor_iri TEXT,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  `,
  // Moderation: domain rules, blocked accounts, reports, the audit log, and hiding.
  `
  CREATE TABLE domain_rules (
    domain TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    hide_content INTEGER NOT NULL,
    created TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE actor_blocks (
    actor_iri TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    origin TEXT NOT NULL,
    reporter_account_id INTEGER,
    reporter_actor TEXT,
    flag_iri TEXT UNIQUE,
    object_iris TEXT NOT NULL,
    comment TEXT NOT NULL,
    status TEXT NOT NULL,
    resolved TEXT,
    resolved_by TEXT,
    forwarded TEXT
  );
  CREATE INDEX reports_status ON reports (status, created);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  ALTER TABLE replies ADD COLUMN hidden TEXT;
  ALTER TABLE practices ADD COLUMN hidden TEXT;
  CREATE INDEX replies_author ON replies (author_iri);
  `,
  // Invitation and password reset links, stored with the SHA-256 hash of their token and never the token itself.
  `
  CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    used TEXT,
    revoked TEXT
  );
  CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    used TEXT
  );
  CREATE INDEX password_resets_account ON password_resets (account_id);
  CREATE INDEX sessions_account ON sessions (account_id);
  `,
  // Delivery health: outcome counts per remote server, for the admin federation page.
  `
  CREATE TABLE delivery_health (
    host TEXT PRIMARY KEY,
    delivered INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    last_delivered TEXT,
    last_failed TEXT,
    last_error TEXT
  );
  `,
  // Learning opportunities: local ones, deleted ones kept as tombstones, and partner copies, with instants in UTC.
  `
  CREATE TABLE learning_opportunities (
    iri TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    local INTEGER NOT NULL,
    source_actor TEXT,
    start_time TEXT NOT NULL,
    end_time TEXT,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    deleted TEXT,
    hidden TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX learning_calendar ON learning_opportunities (deleted, start_time);
  CREATE INDEX learning_source ON learning_opportunities (source_actor);
  `,
  // Resources and audio-video material: the same shape as practices, with a flag for recordings.
  `
  CREATE TABLE resources (
    iri TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    local INTEGER NOT NULL,
    source_actor TEXT,
    media INTEGER NOT NULL,
    status TEXT NOT NULL,
    published TEXT,
    updated TEXT NOT NULL,
    deleted TEXT,
    hidden TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX resources_listing ON resources (deleted, status, published);
  CREATE INDEX resources_source_actor ON resources (source_actor);
  `,
  // Review history of practices and resources: each status change and reviewer comment.
  `
  CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    item_iri TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL,
    created TEXT NOT NULL
  );
  CREATE INDEX review_log_item ON review_log (item_iri, id);
  `,
  // Consultations: local ones, deleted ones kept as tombstones, and partner copies, with opening and closing in UTC.
  `
  CREATE TABLE consultations (
    iri TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    local INTEGER NOT NULL,
    source_actor TEXT,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    deleted TEXT,
    hidden TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX consultations_dates ON consultations (deleted, closes, opens);
  CREATE INDEX consultations_source ON consultations (source_actor);
  `,
  // Media of remote replies, as JSON: the sender's URL, the author's description and this instance's copy of images.
  `
  ALTER TABLE replies ADD COLUMN attachments TEXT;
  `,
  // A remote actor's picture, as JSON: its URL and this instance's copy.
  `
  ALTER TABLE remote_actors ADD COLUMN icon TEXT;
  `,
  // Full-text search of the library. search_documents contains the plain text of every practice and resource,
  // all languages together, in three columns: title, summary, and body (every other text field). The FTS5 table
  // indexes it with unicode61, which folds case and, with remove_diacritics 2, accents. Triggers on practices and
  // resources keep both current on every insert, update and delete, existing rows are indexed here, and
  // visibility (status, hidden, deleted) stays in the item tables, checked at query time.
  `
  CREATE TABLE search_documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    iri TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (kind, iri)
  );
  CREATE VIRTUAL TABLE search_index USING fts5(
    title, summary, body,
    content = 'search_documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
  );
  CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_index (rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
  END;
  CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_index (search_index, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
  END;
  CREATE TRIGGER search_documents_update AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_index (search_index, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO search_index (rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
  END;

  CREATE TRIGGER practices_search_insert AFTER INSERT ON practices BEGIN
    INSERT INTO search_documents (kind, iri, title, summary, body)
      SELECT 'practice', new.iri,
        COALESCE(group_concat(json_extract(value, '$.title'), ' '), ''),
        COALESCE(group_concat(json_extract(value, '$.summary'), ' '), ''),
        COALESCE(group_concat(concat_ws(' ', json_extract(value, '$.body'), json_extract(value, '$.results'), json_extract(value, '$.challenges'),
          json_extract(value, '$.lessonsLearned'), json_extract(value, '$.replication')), ' '), '')
      FROM json_each(new.data, '$.text') WHERE true
      ON CONFLICT (kind, iri) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body;
  END;
  CREATE TRIGGER practices_search_update AFTER UPDATE OF data ON practices BEGIN
    INSERT INTO search_documents (kind, iri, title, summary, body)
      SELECT 'practice', new.iri,
        COALESCE(group_concat(json_extract(value, '$.title'), ' '), ''),
        COALESCE(group_concat(json_extract(value, '$.summary'), ' '), ''),
        COALESCE(group_concat(concat_ws(' ', json_extract(value, '$.body'), json_extract(value, '$.results'), json_extract(value, '$.challenges'),
          json_extract(value, '$.lessonsLearned'), json_extract(value, '$.replication')), ' '), '')
      FROM json_each(new.data, '$.text') WHERE true
      ON CONFLICT (kind, iri) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body;
  END;
  CREATE TRIGGER practices_search_delete AFTER DELETE ON practices BEGIN
    DELETE FROM search_documents WHERE kind = 'practice' AND iri = old.iri;
  END;

  CREATE TRIGGER resources_search_insert AFTER INSERT ON resources BEGIN
    INSERT INTO search_documents (kind, iri, title, summary, body)
      SELECT 'resource', new.iri,
        COALESCE(group_concat(json_extract(value, '$.title'), ' '), ''),
        COALESCE(group_concat(json_extract(value, '$.summary'), ' '), ''),
        COALESCE(group_concat(concat_ws(' ', json_extract(value, '$.description'), json_extract(value, '$.transcript')), ' '), '')
      FROM json_each(new.data, '$.text') WHERE true
      ON CONFLICT (kind, iri) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body;
  END;
  CREATE TRIGGER resources_search_update AFTER UPDATE OF data ON resources BEGIN
    INSERT INTO search_documents (kind, iri, title, summary, body)
      SELECT 'resource', new.iri,
        COALESCE(group_concat(json_extract(value, '$.title'), ' '), ''),
        COALESCE(group_concat(json_extract(value, '$.summary'), ' '), ''),
        COALESCE(group_concat(concat_ws(' ', json_extract(value, '$.description'), json_extract(value, '$.transcript')), ' '), '')
      FROM json_each(new.data, '$.text') WHERE true
      ON CONFLICT (kind, iri) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body;
  END;
  CREATE TRIGGER resources_search_delete AFTER DELETE ON resources BEGIN
    DELETE FROM search_documents WHERE kind = 'resource' AND iri = old.iri;
  END;

  INSERT INTO search_documents (kind, iri, title, summary, body)
    SELECT 'practice', practices.iri,
      COALESCE(group_concat(json_extract(text.value, '$.title'), ' '), ''),
      COALESCE(group_concat(json_extract(text.value, '$.summary'), ' '), ''),
      COALESCE(group_concat(concat_ws(' ', json_extract(text.value, '$.body'), json_extract(text.value, '$.results'), json_extract(text.value, '$.challenges'),
        json_extract(text.value, '$.lessonsLearned'), json_extract(text.value, '$.replication')), ' '), '')
    FROM practices LEFT JOIN json_each(practices.data, '$.text') AS text GROUP BY practices.iri;
  INSERT INTO search_documents (kind, iri, title, summary, body)
    SELECT 'resource', resources.iri,
      COALESCE(group_concat(json_extract(text.value, '$.title'), ' '), ''),
      COALESCE(group_concat(json_extract(text.value, '$.summary'), ' '), ''),
      COALESCE(group_concat(concat_ws(' ', json_extract(text.value, '$.description'), json_extract(text.value, '$.transcript')), ' '), '')
    FROM resources LEFT JOIN json_each(resources.data, '$.text') AS text GROUP BY resources.iri;
  `,
  // A member's affiliation and working languages (a JSON array of language codes).
  `
  ALTER TABLE accounts ADD COLUMN affiliation TEXT NOT NULL DEFAULT '';
  ALTER TABLE accounts ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
  `,
  // The language of a member's biography, so pages can mark it.
  `
  ALTER TABLE accounts ADD COLUMN bio_language TEXT;
  `,
  // A remote actor's name and summary in each language it gives (JSON objects keyed by language code).
  `
  ALTER TABLE remote_actors ADD COLUMN names TEXT;
  ALTER TABLE remote_actors ADD COLUMN summaries TEXT;
  `,
];

/** Opens (creating if needed) the instance database in WAL mode and brings its schema up to date. */
export function openDatabase(dataDir: string): DatabaseSync {
  fs.mkdirSync(dataDir, { recursive: true });
  const database = new DatabaseSync(path.join(dataDir, "minga.sqlite"));
  database.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
  migrate(database);
  return database;
}

function migrate(database: DatabaseSync): void {
  database.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = database.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null };
  const current = row.version ?? 0;
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    database.exec("BEGIN");
    try {
      database.exec(MIGRATIONS[version - 1]);
      database.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
      database.exec("COMMIT");
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }
}
