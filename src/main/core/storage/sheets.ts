// The comparison sheets' records: a matrix batch's axes, its cells read from its jobs, and the winner marked
// per row (batches.axes_json, sheet_winners). The layout itself is src/shared/sheet.ts; drawing it, library/sheets.ts.
import { defaultAxes, findCell, layoutSheet, type Sheet, type SheetAxes, type SheetJob } from '../../../shared/sheet'
import type { Store } from './store'

/** Keeps a matrix batch's axes; a batch keeps the first ones it was given (later calls add jobs to it). */
export function saveAxes(store: Store, batchId: number, axes: SheetAxes): void {
  store.sql.prepare('UPDATE batches SET axes_json = ? WHERE id = ? AND axes_json IS NULL').run(JSON.stringify(axes), batchId)
}

interface SheetRow {
  id: number
  prompt: string
  provider: SheetJob['provider']
  model: string
  params_json: string
  status: SheetJob['status']
  error: string | null
  asset_id: number | null
  mime: string | null
}

/** More jobs than a sheet lays out (a 100 × 100 × 2 matrix); a bigger batch is refused with the reason. */
export const MAX_SHEET_JOBS = 20_000

/** The batch laid out on its stored axes (or `axes`); a batch queued without any gets prompts × models. Null when no such batch. */
export function loadSheet(store: Store, batchId: number, axes?: SheetAxes): Sheet | null {
  const batch = store.sql
    .prepare<[number], { id: number; name: string; axes_json: string | null }>('SELECT id, name, axes_json FROM batches WHERE id = ?')
    .get(batchId)
  if (!batch) return null
  const count = store.sql.prepare<[number], number>('SELECT COUNT(*) FROM jobs WHERE batch_id = ? AND parent_job_id IS NULL').pluck().get(batchId)!
  if (count > MAX_SHEET_JOBS)
    throw new Error(
      `${batch.name} has ${count.toLocaleString('en')} jobs; a comparison sheet lays out at most ${MAX_SHEET_JOBS.toLocaleString('en')} (queue the comparison as its own batch)`
    )
  // A pipeline's steps belong to their generation's cell, not cells of their own.
  const rows = store.sql
    .prepare<[number], SheetRow>(
      `SELECT j.id, j.prompt, j.provider, j.model, j.params_json, j.status, j.error, a.id AS asset_id, a.mime
       FROM jobs j LEFT JOIN assets a ON a.job_id = j.id AND a.idx = 0
       WHERE j.batch_id = ? AND j.parent_job_id IS NULL ORDER BY j.id`
    )
    .all(batchId)
  const jobs: SheetJob[] = rows.map((r) => ({
    id: r.id,
    prompt: r.prompt,
    provider: r.provider,
    model: r.model,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    status: r.status,
    error: r.error,
    assetId: r.asset_id,
    mime: r.mime
  }))
  const winners = new Map(
    store.sql
      .prepare<[number], { page_key: string; row_key: string; job_id: number }>('SELECT page_key, row_key, job_id FROM sheet_winners WHERE batch_id = ?')
      .all(batchId)
      .map((w) => [`${w.page_key}\u0000${w.row_key}`, w.job_id] as const)
  )
  const chosen = axes ?? (batch.axes_json ? (JSON.parse(batch.axes_json) as SheetAxes) : defaultAxes(jobs))
  return layoutSheet(batch, chosen, jobs, winners)
}

/** Marks a job its row's winner (replacing the row's last one), or clears it. */
export function setWinner(store: Store, batchId: number, jobId: number, winner: boolean): number {
  const sheet = loadSheet(store, batchId)
  const at = sheet && findCell(sheet, jobId)
  if (!sheet || !at) throw new Error(`Job ${jobId} is not on the sheet of batch ${batchId}`)
  const pageKey = sheet.pages.keys[at.page]
  const rowKey = sheet.rows.keys[at.row]
  if (!winner) return store.sql.prepare('DELETE FROM sheet_winners WHERE batch_id = ? AND job_id = ?').run(batchId, jobId).changes
  return store.sql
    .prepare('INSERT OR REPLACE INTO sheet_winners (batch_id, page_key, row_key, job_id) VALUES (?, ?, ?, ?)')
    .run(batchId, pageKey, rowKey, jobId).changes
}

/** What the exports need of a file: where it is and a smaller picture of it when there is one. */
