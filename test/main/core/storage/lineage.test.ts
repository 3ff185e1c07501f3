// Lineage in the library: migration 9 backfills job_links from a library an older app left (steps and
// gallery items taken as input), and its triggers keep them for every job made after, both ways.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS, openDb } from '../../../../src/main/core/storage/db'
import { lineageOf, parentIds } from '../../../../src/main/core/storage/lineage'
import { Store } from '../../../../src/main/core/storage/store'
import { tempDir } from '../../../helpers/core'

describe('job_links', () => {
  it('is backfilled on upgrade and kept by the triggers after', () => {
    const file = join(tempDir(), 'library.sqlite')
    const old = new Database(file)
    old.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
    for (const m of MIGRATIONS.filter((m) => m.version <= 7)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO migrations VALUES (?, ?, ?)').run(m.version, m.name, 1)
    }
    old.prepare("INSERT INTO batches (id, name, output_dir, created_at) VALUES (1, 'old', '/tmp/old', 1)").run()
    const job = (id: number, parent: number | null, inputs: unknown) =>
      old
        .prepare(
          "INSERT INTO jobs (id, batch_id, parent_job_id, provider, model, kind, prompt, status, inputs_json, created_at, updated_at) VALUES (?, 1, ?, 'demo', 'm', 'image', 'p', 'done', ?, 1, 1)"
        )
        .run(id, parent, inputs === null ? null : JSON.stringify(inputs))
    job(1, null, null)
    old.prepare("INSERT INTO assets (id, job_id, idx, path, mime, size, sha256, created_at) VALUES (10, 1, 0, '/tmp/a.png', 'image/png', 1, 'x', 1)").run()
    job(2, 1, null) // a chained step (Wondercat's trim)
    job(3, null, [{ path: '/tmp/a.png', assetId: 10 }, { path: '/tmp/elsewhere.png' }]) // made from a gallery item
    job(4, null, [{ path: '/tmp/gone.png', assetId: 999 }]) // its input item was deleted since
    old.close()

    const db = openDb(file)
    const store = new Store(db)
    expect(lineageOf(store, 1).children.map((c) => c.id)).toEqual([2, 3])
    expect(lineageOf(store, 1).children[0].assetId).toBeNull()
    expect(lineageOf(store, 3).parents.map((p) => p.id)).toEqual([1])
    expect(lineageOf(store, 3).parents[0].assetId).toBe(10)
    expect(lineageOf(store, 4)).toEqual({ parents: [], children: [] })

    // New jobs: the insert trigger links a step to its parent and a job to its inputs' jobs; a step's
    // inputs written later (its parent's file) link too, once.
    db.prepare(
      "INSERT INTO jobs (id, batch_id, parent_job_id, provider, model, kind, prompt, status, inputs_json, created_at, updated_at) VALUES (5, 1, 3, 'demo', 'm', 'upscale', 'p', 'queued', NULL, 1, 1)"
    ).run()
    db.prepare(
      "INSERT INTO jobs (id, batch_id, provider, model, kind, prompt, status, inputs_json, created_at, updated_at) VALUES (6, 1, 'demo', 'm', 'edit', 'p', 'queued', ?, 1, 1)"
    ).run(JSON.stringify([{ path: '/tmp/a.png', assetId: 10 }]))
    db.prepare('UPDATE jobs SET inputs_json = ? WHERE id = 5').run(JSON.stringify([{ path: '/tmp/a.png', assetId: 10 }]))
    expect(parentIds(store, [5, 6, 1])).toEqual(
      new Map([
        [5, [1, 3]],
        [6, [1]],
        [1, []]
      ])
    )
    expect(lineageOf(store, 1).children.map((c) => c.id)).toEqual([2, 3, 5, 6])
    // Deleting a job takes its links with it.
    db.prepare('DELETE FROM jobs WHERE id = 3').run()
    expect(lineageOf(store, 5).parents.map((p) => p.id)).toEqual([1])
    db.close()
  })
})
