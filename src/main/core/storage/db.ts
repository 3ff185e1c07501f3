// Opens the SQLite library and brings its schema up to date. Each migration runs once, in a transaction,
// and is recorded in `migrations`, so an old database opened by a newer app is upgraded in place, after a
// copy of it is saved in `<dataDir>/backups`. A library written by a newer app (a migration this one does
// not know) is refused before anything is written to it.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

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
  },
  {
    version: 7,
    name: 'a table for probe writes',
    // While the library cannot be written (disk full), the poller checks every few seconds with a write
    // that needs a new page as any real one might.
    sql: 'CREATE TABLE write_probe (at INTEGER NOT NULL, pad BLOB);'
  },
  {
    version: 8,
    name: 'job costs and budgets',
    // One cost row per job (ledger.ts), written in the same transaction as the job's transitions, and the
    // budget caps (budgets.ts), in the library so they survive restarts and apply to the CLI as to the app.
    sql: `
      CREATE TABLE job_costs (
        job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        currency TEXT,
        estimated REAL,
        estimated_usd REAL,
        billed REAL,
        billed_usd REAL,
        prior REAL NOT NULL DEFAULT 0,
        prior_usd REAL NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'estimated',
        day TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX job_costs_day ON job_costs(day, state);
      -- Jobs from before costs were kept: their price is unknown, their state follows their status.
      INSERT INTO job_costs (job_id, state, updated_at)
        SELECT id, CASE
          WHEN status IN ('done', 'downloading') THEN 'billed'
          WHEN status IN ('submitting', 'running') THEN 'reserved'
          WHEN status = 'needs_attention' OR (status IN ('failed', 'canceled') AND provider_job_id IS NOT NULL) THEN 'possibly'
          WHEN status = 'queued' THEN 'estimated'
          ELSE 'not_billed' END, updated_at
        FROM jobs;
      CREATE TABLE budgets (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        amount REAL NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      );
    `
  },
  {
    version: 9,
    name: 'lineage, pipeline steps, comparison sheets',
    // job_links: where each job came from (a chained step's parent, a gallery item it takes as input), kept by
    // triggers so every way a job is made records it; indexed both ways for the parents/children strip.
    // from_parent: a pipeline step whose input is its parent's downloaded file (any provider), not the
    // parent's provider media (Wondercat's trim). batches.axes_json: a matrix's axes (src/shared/sheet.ts).
    sql: `
      CREATE TABLE job_links (
        child_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        parent_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        PRIMARY KEY (child_id, parent_id)
      ) WITHOUT ROWID;
      CREATE INDEX job_links_parent ON job_links(parent_id, child_id);
      INSERT OR IGNORE INTO job_links SELECT id, parent_job_id FROM jobs WHERE parent_job_id IS NOT NULL;
      INSERT OR IGNORE INTO job_links SELECT j.id, a.job_id FROM jobs j, json_each(j.inputs_json) e JOIN assets a ON a.id = json_extract(e.value, '$.assetId')
        WHERE j.inputs_json IS NOT NULL AND a.job_id <> j.id;
      CREATE TRIGGER job_links_insert AFTER INSERT ON jobs BEGIN
        INSERT OR IGNORE INTO job_links SELECT new.id, new.parent_job_id WHERE new.parent_job_id IS NOT NULL;
        INSERT OR IGNORE INTO job_links SELECT new.id, a.job_id FROM json_each(COALESCE(new.inputs_json, '[]')) e JOIN assets a ON a.id = json_extract(e.value, '$.assetId') WHERE a.job_id <> new.id;
      END;
      CREATE TRIGGER job_links_inputs AFTER UPDATE OF inputs_json ON jobs BEGIN
        INSERT OR IGNORE INTO job_links SELECT new.id, a.job_id FROM json_each(COALESCE(new.inputs_json, '[]')) e JOIN assets a ON a.id = json_extract(e.value, '$.assetId') WHERE a.job_id <> new.id;
      END;
      ALTER TABLE jobs ADD COLUMN from_parent INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX jobs_parent ON jobs(parent_job_id) WHERE parent_job_id IS NOT NULL;
      ALTER TABLE batches ADD COLUMN axes_json TEXT;
      CREATE TABLE sheet_winners (
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        page_key TEXT NOT NULL,
        row_key TEXT NOT NULL,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        PRIMARY KEY (batch_id, page_key, row_key)
      ) WITHOUT ROWID;
    `
  }
]

export const NEWEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version))

/** The library was written by a newer Batch Studio: this one does not know its schema and leaves it alone. */
export class LibraryTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly version: number,
    readonly known: number
  ) {
    super(
      `The library ${file} was written by a newer version of Batch Studio (schema ${version}; this version knows up to ${known}). ` +
        'Update Batch Studio to open it; nothing was changed.'
    )
    this.name = 'LibraryTooNewError'
  }
}

export interface OpenDbOptions {
  /** Path to an Electron-ABI build of better-sqlite3; Node loads its own build from node_modules. */
  nativeBinding?: string
  /** Where to save a copy of an existing library before migrating it; default `<dir of file>/backups`. */
  backupDir?: string
}

export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    // Before any pragma that could write: a newer library is refused untouched.
    refuseNewer(db, file)
    db.pragma('journal_mode = WAL')
    // FULL: in WAL mode, NORMAL survives application crashes but an OS crash or power loss can drop the last
    // commits — and if the lost one is a submit intent, the job is sent (and billed) again on the next start.
    // FULL fsyncs the WAL on every commit (cost measured by bench/sync-cost.ts).
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    if (file !== ':memory:' && pending(db).length > 0 && appliedVersions(db).length > 0) {
      backup(db, file, options.backupDir ?? join(dirname(file), 'backups'))
    }
    migrate(db)
  } catch (err) {
    db.close()
    throw err
  }
  return db
}

function hasMigrationsTable(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get() !== undefined
}

function appliedVersions(db: Db): number[] {
  return hasMigrationsTable(db) ? (db.prepare('SELECT version FROM migrations ORDER BY version').pluck().all() as number[]) : []
}

function pending(db: Db): typeof MIGRATIONS {
  const applied = new Set(appliedVersions(db))
  return MIGRATIONS.filter((m) => !applied.has(m.version))
}

function refuseNewer(db: Db, file: string): void {
  const newest = Math.max(0, ...appliedVersions(db))
  if (newest > NEWEST_VERSION) throw new LibraryTooNewError(file, newest, NEWEST_VERSION)
}

/**
 * Saves a consistent copy of the library (VACUUM INTO: one transaction, synchronous, compact) as
 * `<backupDir>/<name>.v<schema>.sqlite` before it is migrated; an older copy of the same schema is replaced.
 * Returns the copy's path.
 */
export function backup(db: Db, file: string, backupDir: string): string {
  const from = Math.max(0, ...appliedVersions(db))
  mkdirSync(backupDir, { recursive: true })
  const target = join(backupDir, `${basename(file).replace(/\.sqlite$/, '')}.v${from}.sqlite`)
  const temp = `${target}.tmp`
  rmSync(temp, { force: true })
  db.prepare('VACUUM INTO ?').run(temp)
  // Renamed into place only once complete, so a crash mid-copy never leaves a half backup under the real name.
  if (existsSync(target)) rmSync(target, { force: true })
  renameSync(temp, target)
  return target
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  const applied = new Set(db.prepare('SELECT version FROM migrations').pluck().all() as number[])
  const newest = Math.max(0, ...applied)
  if (newest > NEWEST_VERSION) throw new LibraryTooNewError(db.name, newest, NEWEST_VERSION)
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.version, m.name, Date.now())
    }).immediate()
  }
}
