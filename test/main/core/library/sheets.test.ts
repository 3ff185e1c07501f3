// Comparison sheets on a real core: a matrix batch queued against the Demo simulator (some jobs failing),
// laid out on its axes, a winner per row, and the PNG and HTML exports read back from disk.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import { readPngText } from '../../../../src/main/core/library/png-text'
import { cellOrigin, type SheetGeometry } from '../../../../src/main/core/library/sheets'
import { layoutSheet, type SheetJob } from '../../../../src/shared/sheet'
import { openTestCore, tempDir } from '../../../helpers/core'

let cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()))
  cores = []
})

const PROMPTS = ['a red barn', 'a blue lake']
const MODELS = ['images', 'flux2']

/** Queues PROMPTS × MODELS × 2 variations as the composer does: one call per model, the first making the batch. */
async function queueMatrix(core: Core): Promise<number> {
  let batchId: number | undefined
  for (const model of MODELS) {
    const queued = await core.api.queuePrompts({
      prompts: PROMPTS,
      count: 2,
      provider: 'demo',
      model,
      kind: 'image',
      batchName: 'Barns and lakes',
      batchId,
      axes: { rows: 'prompt', cols: 'model', pages: 'variant' }
    })
    batchId = queued.batchId
  }
  await core.poller.whenIdle()
  return batchId!
}

/** Every other job the simulator makes fails. */
function alternating(): () => number {
  let n = 0
  return () => (n++ % 2 === 0 ? 0.9 : 0.1)
}

async function meanColour(png: Buffer | string, region?: { left: number; top: number; width: number; height: number }): Promise<number[]> {
  // stats() reads the input, not the extract: cut the region out first.
  const cut = region ? await sharp(png).extract(region).png().toBuffer() : png
  const stats = await sharp(cut).stats()
  return stats.channels.slice(0, 3).map((c) => c.mean)
}

describe('comparison sheets', () => {
  it('lays a matrix batch out on its axes, live statuses and failures in place, a winner per row', async () => {
    const core = await openTestCore({ stored: { demo: { durationMs: 200, failureRate: 0.5 } }, simulator: { random: alternating() } })
    cores.push(core)
    const batchId = await queueMatrix(core)
    const sheet = (await core.api.getSheet({ batchId }))!
    expect(sheet.rows.labels).toEqual(PROMPTS)
    expect(sheet.cols.labels).toEqual(['Demo · Image', 'Demo · flux2'])
    expect(sheet.pages.labels).toEqual(['#1', '#2'])
    expect(sheet.counts.total).toBe(8)
    const { jobs } = await core.api.listJobs({ batchId, limit: 100 })
    const failed = jobs.filter((j) => j.status === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    expect(sheet.counts.failed).toBe(failed.length)
    // Every job is in the cell its prompt, model and variation say, with its status and file.
    for (const page of sheet.cells) for (const row of page) for (const cell of row) expect(cell).not.toBeNull()
    for (const job of jobs) {
      const variation = jobs.filter((j) => j.prompt === job.prompt && j.model === job.model && j.id <= job.id).length
      const cell = sheet.cells[variation - 1][PROMPTS.indexOf(job.prompt)][MODELS.indexOf(job.model)]!
      expect(cell.jobId).toBe(job.id)
      expect(cell.status).toBe(job.status)
      expect(cell.assetId).toBe(job.firstAssetId)
      if (job.status === 'failed') expect(cell.error).toBe(job.error)
    }

    // A winner per row and page: marking another in the same row replaces it.
    const row = sheet.cells[0][0]
    await core.api.setSheetWinner({ batchId, jobId: row[0]!.jobId, winner: true })
    await core.api.setSheetWinner({ batchId, jobId: row[1]!.jobId, winner: true })
    await core.api.setSheetWinner({ batchId, jobId: sheet.cells[1][1][0]!.jobId, winner: true })
    const marked = (await core.api.getSheet({ batchId }))!
    expect(marked.cells[0][0].map((c) => c!.winner)).toEqual([false, true])
    expect(marked.cells[1][1].map((c) => c!.winner)).toEqual([true, false])
    await core.api.setSheetWinner({ batchId, jobId: row[1]!.jobId, winner: false })
    expect((await core.api.getSheet({ batchId }))!.cells[0][0].map((c) => c!.winner)).toEqual([false, false])
    await expect(core.api.setSheetWinner({ batchId, jobId: 999_999, winner: true })).rejects.toThrow(/not on the sheet/)

    // Other axes on request: models down, prompts across, no pages (two variations share a cell).
    const turned = (await core.api.getSheet({ batchId, axes: { rows: 'model', cols: 'prompt' } }))!
    expect(turned.rows.labels).toEqual(['Demo · Image', 'Demo · flux2'])
    expect(turned.cells[0][0][0]!.more).toBe(1)
    expect(await core.api.getSheet({ batchId: 424242 })).toBeNull()
  })

  it('exports a PNG contact sheet whose cells carry the pictures and whose labels are drawn in and recorded', async () => {
    const core = await openTestCore({ stored: { demo: { durationMs: 200, failureRate: 0.5 } }, simulator: { random: alternating() } })
    cores.push(core)
    const batchId = await queueMatrix(core)
    const sheet = (await core.api.getSheet({ batchId }))!
    const winner = sheet.cells[0][1].find((c) => c?.status === 'done') ?? sheet.cells[0][1][0]!
    await core.api.setSheetWinner({ batchId, jobId: winner.jobId, winner: true })
    const dest = tempDir()
    const { path, cells } = await core.api.exportSheet({ batchId, format: 'png', destination: dest, cellSize: 128 })
    expect(cells).toBe(8)
    expect(dirname(path)).toBe(dest)
    const png = readFileSync(path)
    const meta = JSON.parse(readPngText(png)['batch-studio:sheet']) as {
      rows: string[]
      cols: string[]
      pages: string[]
      geometry: SheetGeometry
      cells: ({ job: number; status: string; winner: boolean } | null)[][][]
    }
    expect(meta.rows).toEqual(PROMPTS)
    expect(meta.cols).toEqual(['Demo · Image', 'Demo · flux2'])
    expect(meta.pages).toEqual(['#1', '#2'])
    expect(readPngText(png).Title).toBe('Barns and lakes')
    const { width, height } = await sharp(png).metadata()
    expect([width, height]).toEqual([meta.geometry.width, meta.geometry.height])
    const g = meta.geometry
    for (const [p, page] of sheet.cells.entries())
      for (const [r, line] of page.entries())
        for (const [c, cell] of line.entries()) {
          expect(meta.cells[p][r][c]).toEqual({ job: cell!.jobId, status: cell!.status, winner: cell!.jobId === winner.jobId })
          const at = cellOrigin(g, p, r, c)
          // Inside the frame a winner gets: the picture itself.
          const inner = { left: at.x + 12, top: at.y + 12, width: g.cellSize - 24, height: g.cellSize - 40 }
          const drawn = await meanColour(png, inner)
          if (cell!.status === 'done') {
            const source = core.store.asset(cell!.assetId!)!.path
            const resized = await sharp(source).resize(g.cellSize, g.cellSize, { fit: 'contain' }).png().toBuffer()
            const expected = await meanColour(resized, { left: 12, top: 12, width: g.cellSize - 24, height: g.cellSize - 40 })
            for (const [i, v] of drawn.entries()) expect(Math.abs(v - expected[i])).toBeLessThan(6)
          } else {
            // A failed cell is the failure's red, with its reason written on it.
            const [red, green, blue] = await meanColour(png, { left: at.x + g.cellSize - 20, top: at.y + g.cellSize - 20, width: 10, height: 10 })
            expect(red).toBeGreaterThan(80)
            expect(green).toBeLessThan(40)
            expect(blue).toBeLessThan(45)
          }
        }
    // The labels are drawn: the header and the row titles are not blank background.
    const header = await sharp(
      await sharp(png).extract({ left: g.rowHeader, top: g.pageTops[0], width: g.cellSize, height: g.colHeader }).png().toBuffer()
    ).stats()
    expect(header.channels[0].max).toBeGreaterThan(150)
    const rowTitle = await sharp(
      await sharp(png)
        .extract({ left: 0, top: cellOrigin(g, 0, 0, 0).y, width: g.rowHeader - 10, height: 40 })
        .png()
        .toBuffer()
    ).stats()
    const blank = await sharp(
      await sharp(png)
        .extract({ left: 0, top: cellOrigin(g, 0, 0, 0).y + 60, width: g.rowHeader - 10, height: 40 })
        .png()
        .toBuffer()
    ).stats()
    expect(blank.channels[0].max).toBeLessThan(60)
    expect(rowTitle.channels[0].max).toBeGreaterThan(150)
    // A second export does not overwrite the first.
    const again = await core.api.exportSheet({ batchId, format: 'png', destination: dest })
    expect(again.path).not.toBe(path)
    expect(existsSync(path)).toBe(true)
  })

  it('exports an HTML page with the files beside it, failures written in their cells', async () => {
    const core = await openTestCore({ stored: { demo: { durationMs: 200, failureRate: 0.5 } }, simulator: { random: alternating() } })
    cores.push(core)
    const batchId = await queueMatrix(core)
    const dest = tempDir()
    const { path } = await core.api.exportSheet({ batchId, format: 'html', destination: dest })
    const doc = readFileSync(path, 'utf8')
    for (const label of [...PROMPTS, 'Demo · Image', 'Demo · flux2', 'Variation: #2']) expect(doc).toContain(label)
    const { jobs } = await core.api.listJobs({ batchId, limit: 100 })
    const files = readdirSync(join(dirname(path), 'files'))
    expect(files.sort()).toEqual(
      jobs
        .filter((j) => j.status === 'done')
        .map((j) => `job-${j.id}.png`)
        .sort()
    )
    for (const j of jobs.filter((j) => j.status === 'failed')) expect(doc).toContain(j.error!.replace(/&/g, '&amp;'))
    for (const f of files) expect(doc).toContain(`src="files/${f}"`)
    await expect(core.api.exportSheet({ batchId, format: 'html', destination: 'relative/dir' })).rejects.toThrow(/absolute path/)
  })
})

describe('layoutSheet', () => {
  const job = (id: number, prompt: string, model: string, params: Record<string, unknown> = {}): SheetJob => ({
    id,
    prompt,
    provider: 'demo',
    model,
    params,
    status: 'queued',
    error: null,
    assetId: null,
    mime: null
  })
  it('keeps axis values in queue order and leaves cells no job falls on empty', () => {
    const jobs = [job(1, 'b', 'images', { quality: 3 }), job(2, 'a', 'images', { quality: 1 }), job(3, 'b', 'upscales', { quality: 1 })]
    const sheet = layoutSheet({ id: 1, name: 'x' }, { rows: 'param:quality', cols: 'prompt' }, jobs)
    expect(sheet.rows.labels).toEqual(['quality 3', 'quality 1'])
    expect(sheet.cols.labels).toEqual(['b', 'a'])
    expect(sheet.cells[0].map((r) => r.map((c) => c?.jobId ?? null))).toEqual([
      [1, null],
      [3, 2]
    ])
    expect(sheet.counts).toEqual({ total: 3, done: 0, failed: 0, pending: 3 })
  })
})

describe('sheet limits', () => {
  it('refuses a batch too big to lay out, and a PNG too big to draw, saying what to do instead', async () => {
    const core = await openTestCore()
    cores.push(core)
    const { batchId } = await core.api.queuePrompts({ prompts: ['a'], batchName: 'Tiny' })
    await core.poller.whenIdle()
    const db = core.store['db']
    // 20,001 jobs in a batch (rows written as an older run left them; never sent).
    const big = Number(db.prepare("INSERT INTO batches (name, output_dir, created_at) VALUES ('Huge', '/tmp/none', 1)").run().lastInsertRowid)
    const insert = db.prepare(
      "INSERT INTO jobs (batch_id, provider, model, kind, prompt, status, created_at, updated_at) VALUES (?, 'demo', 'images', 'image', ?, 'canceled', 1, 1)"
    )
    db.transaction(() => {
      for (let i = 0; i < 20_001; i++) insert.run(big, `prompt ${i}`)
    })()
    await expect(core.api.getSheet({ batchId: big })).rejects.toThrow('Huge has 20,001 jobs; a comparison sheet lays out at most 20,000')
    // 2,000 prompts × 1 model at 1,024 px a cell: 2,000 rows of a kilopixel.
    db.prepare('DELETE FROM jobs WHERE batch_id = ? AND id > (SELECT MIN(id) + 1999 FROM jobs WHERE batch_id = ?)').run(big, big)
    await expect(core.api.exportSheet({ batchId: big, format: 'png', destination: tempDir(), cellSize: 1024 })).rejects.toThrow(
      /too large for one PNG; choose a smaller cell size, or export it as an HTML page/
    )
    expect((await core.api.getSheet({ batchId }))!.counts.total).toBe(1)
  })
})
