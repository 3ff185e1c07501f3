// The library file itself: durable commits (synchronous=FULL), a library from a newer app refused without
// a single byte written, and a copy saved before an existing library is migrated.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LibraryTooNewError, MIGRATIONS, NEWEST_VERSION, openDb } from '../../../../src/main/core/storage/db'
import { tempDir } from '../../../helpers/core'

const dirs: string[] = []
const dir = () => {
  const d = tempDir('bs-db-')
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** A library as an older app left it: only the first `upTo` migrations applied, one batch and one job. */
function oldLibrary(file: string, upTo: number): void {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  for (const m of MIGRATIONS.filter((m) => m.version <= upTo)) {
    db.exec(m.sql)
    db.prepare('INSERT INTO migrations VALUES (?, ?, ?)').run(m.version, m.name, 1)
  }
  db.prepare("INSERT INTO batches (id, name, output_dir, created_at) VALUES (1, 'old', '/tmp/old', 1)").run()
  db.prepare(
    "INSERT INTO jobs (batch_id, provider, model, kind, prompt, status, created_at, updated_at) VALUES (1, 'demo', 'm', 'image', 'an old prompt', 'done', 1, 1)"
  ).run()
  db.close()
}

describe('openDb', () => {
  it('commits with synchronous=FULL, so a power loss cannot drop a stored submit intent', () => {
    const db = openDb(join(dir(), 'library.sqlite'))
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      // 2 = FULL (1 = NORMAL).
      expect(db.pragma('synchronous', { simple: true })).toBe(2)
    } finally {
      db.close()
    }
  })

  it('refuses a library written by a newer version, and writes nothing to it', () => {
    const d = dir()
    const file = join(d, 'library.sqlite')
    openDb(file).close()
    const db = new Database(file)
    db.prepare('INSERT INTO migrations VALUES (?, ?, ?)').run(NEWEST_VERSION + 1, 'from the future', 1)
    // The future schema: a table this version knows nothing of.
    db.exec('CREATE TABLE future_things (id INTEGER PRIMARY KEY)')
    db.close()
    const before = sha(file)
    const filesBefore = readdirSync(d).sort()

    let error: unknown
    try {
      openDb(file).close()
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(LibraryTooNewError)
    expect((error as Error).message).toMatch(
      new RegExp(`newer version of Batch Studio \\(schema ${NEWEST_VERSION + 1}; this version knows up to ${NEWEST_VERSION}\\)`)
    )
    expect(sha(file)).toBe(before)
    // No backup, no WAL left behind, nothing new.
    expect(readdirSync(d).sort()).toEqual(filesBefore)
    const check = new Database(file, { readonly: true })
    expect(check.prepare('SELECT MAX(version) FROM migrations').pluck().get()).toBe(NEWEST_VERSION + 1)
    check.close()
  })

  it('saves a copy of an existing library before migrating it, and none for a new or current one', () => {
    const d = dir()
    const file = join(d, 'library.sqlite')
    oldLibrary(file, 3)
    const db = openDb(file)
    expect(db.prepare('SELECT MAX(version) FROM migrations').pluck().get()).toBe(NEWEST_VERSION)
    db.close()

    const copy = join(d, 'backups', 'library.v3.sqlite')
    expect(existsSync(copy)).toBe(true)
    const old = new Database(copy, { readonly: true })
    try {
      expect(old.prepare('SELECT version FROM migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3])
      expect(old.prepare('SELECT prompt FROM jobs').pluck().all()).toEqual(['an old prompt'])
      expect(old.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      old.close()
    }
    expect(readdirSync(join(d, 'backups'))).toEqual(['library.v3.sqlite'])

    // Opening the now-current library again copies nothing more; a brand-new library has nothing to copy.
    openDb(file).close()
    expect(readdirSync(join(d, 'backups'))).toEqual(['library.v3.sqlite'])
    const fresh = dir()
    openDb(join(fresh, 'library.sqlite')).close()
    expect(existsSync(join(fresh, 'backups'))).toBe(false)
  })

  it('gives the jobs of a library from before costs a ledger row each: unknown price, state from their status', () => {
    const file = join(dir(), 'library.sqlite')
    oldLibrary(file, 7)
    const db = openDb(file)
    try {
      expect(db.prepare('SELECT job_id, estimated, state FROM job_costs').all()).toEqual([{ job_id: 1, estimated: null, state: 'billed' }])
    } finally {
      db.close()
    }
  })
})
