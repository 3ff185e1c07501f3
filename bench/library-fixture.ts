// Makes a large library for scale benchmarks and tests: N jobs across batches, providers and states, and
// one gallery item per done job. Files are a few hundred real PNGs shared between items, so the gallery
// has real images to decode without writing 100,000 files.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from '../src/main/core/storage/db'
import { dbPath } from '../src/main/core/storage/paths'
import { promptPng } from '../src/main/demo/media'

const SUBJECTS = ['lighthouse', 'fox', 'city', 'forest', 'robot', 'portrait', 'castle', 'ocean', 'desert', 'garden', 'train', 'market']
const STYLES = ['at dawn', 'in the rain', 'oil painting', 'watercolour', 'neon', 'isometric', 'film photo', 'pastel', 'ink sketch', 'low poly']
const PROVIDERS: [string, string][] = [
  ['demo', 'images'],
  ['letzai', 'images'],
  ['bfl', 'flux-2-pro'],
  ['apixo', 'nano-banana'],
  ['umrgen', 'default'],
  ['wondercat', 'nano-banana-2']
]

export function generateLibrary(dataDir: string, o: { jobs: number; distinctFiles?: number }): { jobs: number; assets: number } {
  const db = openDb(dbPath(dataDir))
  const filesDir = join(dataDir, 'fixture-files')
  mkdirSync(filesDir, { recursive: true })
  const files = Array.from({ length: o.distinctFiles ?? 200 }, (_, i) => {
    const path = join(filesDir, `f${i}.png`)
    const png = promptPng(`fixture ${i}`, 128, 128)
    writeFileSync(path, png)
    return { path, size: png.length }
  })
  const now = Date.now()
  const insertBatch = db.prepare('INSERT INTO batches (name, output_dir, created_at) VALUES (?, ?, ?)')
  const insertJob = db.prepare(
    `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, progress, attempts, polls, provider_job_id,
       created_at, updated_at, submitted_at, ready_at, finished_at, error)
     VALUES (?, ?, ?, 'image', ?, '{}', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  const insertAsset = db.prepare(
    `INSERT INTO assets (job_id, idx, path, mime, size, sha256, width, height, created_at, favorite, rating)
     VALUES (?, 0, ?, 'image/png', ?, ?, 128, 128, ?, ?, ?)`
  )
  let assets = 0
  db.transaction(() => {
    let batchId = 0
    // Every 50th job failed; the others are done with one gallery item each, until `jobs` items exist.
    for (let i = 0; assets < o.jobs; i++) {
      if (i % 1000 === 0) batchId = Number(insertBatch.run(`Batch ${i / 1000 + 1}`, filesDir, now - (o.jobs - i) * 1000).lastInsertRowid)
      const [provider, model] = PROVIDERS[i % PROVIDERS.length]
      const prompt = `${SUBJECTS[i % SUBJECTS.length]} ${STYLES[Math.floor(i / SUBJECTS.length) % STYLES.length]} #${i}`
      const created = now - (o.jobs - i) * 1000
      const status = i % 50 === 0 ? 'failed' : 'done'
      const jobId = Number(
        insertJob.run(
          batchId,
          provider,
          model,
          prompt,
          status,
          1,
          4,
          `fx-${i}`,
          created,
          created + 20_000,
          created + 1000,
          created + 19_000,
          created + 20_000,
          status === 'failed' ? 'Generation failed (fixture)' : null
        ).lastInsertRowid
      )
      if (status === 'done') {
        const f = files[i % files.length]
        insertAsset.run(jobId, f.path, f.size, `fixture-${i % files.length}`, created + 20_000, i % 17 === 0 ? 1 : 0, i % 6)
        assets++
      }
    }
  })()
  const jobs = db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number
  db.close()
  return { jobs, assets }
}
