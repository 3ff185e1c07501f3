// A comparison sheet for the scale benchmarks: one batch queued as a 10 prompts × 10 models × 4 seeds matrix
// (400 jobs, each done with a real PNG from the library fixture's files), its axes stored as the composer
// stores them, added to an existing library before the app opens it.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from '../src/main/core/storage/db'
import { dbPath } from '../src/main/core/storage/paths'

export function addSheetBatch(dataDir: string, o: { prompts?: number; models?: number; seeds?: number } = {}): { batchId: number; cells: number } {
  const prompts = o.prompts ?? 10
  const models = o.models ?? 10
  const seeds = o.seeds ?? 4
  const filesDir = join(dataDir, 'fixture-files')
  const files = readdirSync(filesDir)
    .filter((f) => f.endsWith('.png'))
    .map((f) => join(filesDir, f))
  const db = openDb(dbPath(dataDir))
  const now = Date.now()
  const batchId = db.transaction(() => {
    const id = Number(
      db
        .prepare("INSERT INTO batches (name, output_dir, created_at, axes_json) VALUES ('Sheet 10×10×4', ?, ?, ?)")
        .run(filesDir, now, JSON.stringify({ rows: 'prompt', cols: 'model', pages: 'param:seed' })).lastInsertRowid
    )
    const job = db.prepare(
      `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, attempts, created_at, updated_at, submitted_at, finished_at)
       VALUES (?, 'demo', ?, 'image', ?, ?, 'done', 1, ?, ?, ?, ?)`
    )
    const asset = db.prepare(
      "INSERT INTO assets (job_id, idx, path, mime, size, sha256, width, height, created_at) VALUES (?, 0, ?, 'image/png', 1000, ?, 128, 128, ?)"
    )
    let n = 0
    // As the composer queues a matrix: one call per model and seed, each with every prompt.
    for (let m = 0; m < models; m++)
      for (let s = 0; s < seeds; s++)
        for (let p = 0; p < prompts; p++) {
          const jobId = Number(
            job.run(
              id,
              `base-model-${m + 1}`,
              `sheet prompt ${p + 1}: a harbour at dusk, variant ${p + 1}`,
              JSON.stringify({ seed: s + 1 }),
              now,
              now,
              now,
              now
            ).lastInsertRowid
          )
          asset.run(jobId, files[n % files.length], `sheet-${n}`, now)
          n++
        }
    return id
  })()
  db.close()
  return { batchId, cells: prompts * models * seeds }
}
