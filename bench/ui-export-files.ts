// Files for the export benchmark: N distinct real PNGs (a hundred base pictures from the simulator's
// promptPng, each copy made unique by a text chunk), and, optionally, a library whose gallery holds exactly
// those files (one done job and one asset each), so the app's own startExport can be timed on them.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from '../src/main/core/storage/db'
import { dbPath } from '../src/main/core/storage/paths'
import { embedPngText } from '../src/main/core/library/png-text'
import { promptPng } from '../src/main/demo/media'

export interface ExportFile {
  path: string
  prompt: string
  size: number
  sha256: string
}

const SUBJECTS = ['lighthouse', 'fox', 'city', 'forest', 'robot', 'portrait', 'castle', 'ocean', 'desert', 'garden']

/** Writes `count` distinct PNGs (256×256, the demo's size) into `dir`. */
export function writeExportFiles(dir: string, count: number): ExportFile[] {
  mkdirSync(dir, { recursive: true })
  const bases = Array.from({ length: Math.min(100, count) }, (_, k) => promptPng(`export base ${k}`, 256, 256))
  return Array.from({ length: count }, (_, i) => {
    const prompt = `${SUBJECTS[i % SUBJECTS.length]} study number ${i}`
    const png = embedPngText(bases[i % bases.length], { id: `export bench file ${i}` })
    const path = join(dir, `img-${String(i).padStart(5, '0')}.png`)
    writeFileSync(path, png)
    return { path, prompt, size: png.length, sha256: createHash('sha256').update(png).digest('hex') }
  })
}

/** A library in `dataDir` with one done job and one gallery item per file. */
export function writeExportLibrary(dataDir: string, files: ExportFile[]): void {
  const db = openDb(dbPath(dataDir))
  const now = Date.now()
  const insertBatch = db.prepare('INSERT INTO batches (name, output_dir, created_at) VALUES (?, ?, ?)')
  const insertJob = db.prepare(
    `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, progress, attempts, polls, provider_job_id,
       created_at, updated_at, submitted_at, ready_at, finished_at, error)
     VALUES (?, 'demo', 'images', 'image', ?, '{"width":256,"height":256}', 'done', 1, 1, 3, ?, ?, ?, ?, ?, ?, NULL)`
  )
  const insertAsset = db.prepare(
    `INSERT INTO assets (job_id, idx, path, mime, size, sha256, width, height, created_at, favorite, rating)
     VALUES (?, 0, ?, 'image/png', ?, ?, 256, 256, ?, 0, 0)`
  )
  db.transaction(() => {
    let batchId = 0
    files.forEach((f, i) => {
      const created = now - (files.length - i) * 1000
      if (i % 1000 === 0) batchId = Number(insertBatch.run(`Batch ${i / 1000 + 1}`, dataDir, created).lastInsertRowid)
      const jobId = Number(insertJob.run(batchId, f.prompt, `bench-${i}`, created - 20_000, created, created - 19_000, created - 1000, created).lastInsertRowid)
      insertAsset.run(jobId, f.path, f.size, f.sha256, created)
    })
  })()
  db.close()
}
