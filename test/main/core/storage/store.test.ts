// The store's job queries on a real SQLite file, at sizes where SQLite's plan changes.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../../src/main/core/storage/db'
import { Store } from '../../../../src/main/core/storage/store'
import { tempDir } from '../../../helpers/core'

function libraryWith(statuses: string[]): Store {
  const dir = tempDir()
  const db = openDb(join(dir, 'library.sqlite'))
  const store = new Store(db)
  const batch = store.createBatch('mixed', join(dir, 'out'))
  const insert = db.prepare(
    `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, polls, created_at, updated_at) VALUES (?, 'demo', 'images', 'image', ?, '{}', ?, 0, ?, ?)`
  )
  db.transaction(() => statuses.forEach((status, i) => insert.run(batch, `prompt ${i}`, status, i, i)))()
  return store
}

describe('listJobs', () => {
  it('pages a status filter that matches thousands of jobs as one that matches a few: the same rows, in order', () => {
    // 3,000 queued among done and failed jobs: past the point where the page is read in sort order.
    const statuses = Array.from({ length: 4_500 }, (_, i) => (i % 3 === 2 ? 'done' : i % 7 === 0 ? 'failed' : 'queued'))
    const store = libraryWith(statuses)
    const queuedIds = statuses.flatMap((s, i) => (s === 'queued' ? [i + 1] : []))
    expect(queuedIds.length).toBeGreaterThan(2_000)
    for (const [dir, offset] of [
      ['desc', 0],
      ['desc', 1_500],
      ['asc', 2_900]
    ] as const) {
      const { total, rows } = store.listJobs({ status: ['queued'], sort: 'id', dir, offset, limit: 200 })
      const expected = (dir === 'desc' ? [...queuedIds].reverse() : queuedIds).slice(offset, offset + 200)
      expect(total).toBe(queuedIds.length)
      expect(rows.map((r) => r.id)).toEqual(expected)
    }
    // Two statuses, sorted by prompt: the index on the prompt drives the page.
    const both = store.listJobs({ status: ['queued', 'failed'], sort: 'prompt', dir: 'asc', offset: 10, limit: 5 })
    const expectedPrompts = statuses.flatMap((s, i) => (s !== 'done' ? [`prompt ${i}`] : [])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(both.rows.map((r) => r.prompt)).toEqual(expectedPrompts.slice(10, 15))
    // A filter with few matches still goes through the status index and gives the same answer.
    const failed = store.listJobs({ status: ['failed'], sort: 'id', dir: 'desc', offset: 0, limit: 3 })
    expect(failed.rows.map((r) => r.id)).toEqual(
      statuses
        .flatMap((s, i) => (s === 'failed' ? [i + 1] : []))
        .reverse()
        .slice(0, 3)
    )
  })
})
