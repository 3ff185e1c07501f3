// Opens the SQLite library and brings its schema up to date. Each migration runs once, in a transaction,
// and is recorded in `migrations`, so an old database opened by a newer app is upgraded in place.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'jobs, history, assets, batches',
    sql: `
      CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        output_dir TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        parent_job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        kind TEXT NOT NULL,
        prompt TEXT NOT NULL,
        params_json TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        progress REAL,
        attempts INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        transient_errors INTEGER NOT NULL DEFAULT 0,
        provider_job_id TEXT,
        provider_ref_json TEXT,
        result_json TEXT,
        raw_status TEXT,
        error TEXT,
        next_poll_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        claimed_at INTEGER,
        submitted_at INTEGER,
        ready_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX jobs_status_due ON jobs(status, next_poll_at);
      CREATE INDEX jobs_batch ON jobs(batch_id);
      CREATE INDEX jobs_model_done ON jobs(provider, model, status, finished_at);
      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX job_events_job ON job_events(job_id, id);
      CREATE TABLE assets (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        path TEXT NOT NULL,
        source_url TEXT,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        thumb_path TEXT,
        favorite INTEGER NOT NULL DEFAULT 0,
        rating INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (job_id, idx)
      );
      CREATE INDEX assets_created ON assets(created_at);
    `
  },
  {
    version: 2,
    name: 'full-text search over prompts, gallery indexes',
    // External-content FTS5 over jobs.prompt, kept in step by triggers: searching 100,000 prompts by word
    // takes a lookup instead of a LIKE scan.
    sql: `
      CREATE VIRTUAL TABLE jobs_fts USING fts5(prompt, content='jobs', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
      INSERT INTO jobs_fts (rowid, prompt) SELECT id, prompt FROM jobs;
      CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO jobs_fts (rowid, prompt) VALUES (new.id, new.prompt);
      END;
      CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
        INSERT INTO jobs_fts (jobs_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
      END;
      CREATE TRIGGER jobs_fts_update AFTER UPDATE OF prompt ON jobs BEGIN
        INSERT INTO jobs_fts (jobs_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
        INSERT INTO jobs_fts (rowid, prompt) VALUES (new.id, new.prompt);
      END;
      CREATE INDEX assets_job ON assets(job_id);
      CREATE INDEX assets_favorite ON assets(favorite, rating);
      CREATE INDEX jobs_provider_model ON jobs(provider, model);
      -- The queue grid's sortable columns, so a sorted first page of 100,000 jobs is an index walk.
      CREATE INDEX jobs_prompt ON jobs(prompt COLLATE NOCASE);
      CREATE INDEX jobs_elapsed ON jobs((COALESCE(finished_at, updated_at) - COALESCE(submitted_at, created_at)));
      ALTER TABLE assets ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
    `
  },
  {
    version: 3,
    name: 'pausable batches',
    sql: 'ALTER TABLE batches ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;'
  },
  {
    version: 4,
    name: "the provider's last response per job",
    sql: 'ALTER TABLE jobs ADD COLUMN last_response TEXT;'
  },
  {
    version: 5,
    name: 'indexes for the status bar and the learned strategy',
    // recentDurations runs before every poll (1.4 ms → 0.08 ms on 10,000 jobs); the status bar counts the
    // last hour of history every 2 s.
    sql: `
      CREATE INDEX jobs_durations ON jobs(provider, model, ready_at) WHERE ready_at IS NOT NULL AND submitted_at IS NOT NULL;
      DROP INDEX jobs_model_done;
      CREATE INDEX job_events_at ON job_events(at);
    `
  },
  {
    version: 6,
    name: 'input files per job',
    // Local files a job starts from (a gallery item or a file the user named): [{path, assetId?}].
    sql: 'ALTER TABLE jobs ADD COLUMN inputs_json TEXT;'
  }
]

export interface OpenDbOptions {
  /** Path to an Electron-ABI build of better-sqlite3; Node loads its own build from node_modules. */
  nativeBinding?: string
}

export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  db.pragma('journal_mode = WAL')
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  migrate(db)
  return db
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  const applied = new Set(db.prepare('SELECT version FROM migrations').pluck().all() as number[])
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.version, m.name, Date.now())
    }).immediate()
  }
}
