// The contract's export methods: an export of a selection (or a gallery filter) runs in the background
// with progress events; finished ZIPs are remembered for headless mode's download; a start sweeps what a
// killed export left behind.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Api } from '../../../shared/contract'
import type { EventHub } from '../events'
import { jobInputs, type Store } from '../storage/store'
import type { Ledger } from '../storage/ledger'
import { parentIds } from '../storage/lineage'
import { loadSheet } from '../storage/sheets'
import { checkAbsolutePath, ExportRun, sweepStaleExports } from './export'
import { writeSheetHtml, writeSheetPng, type CellFile } from './sheets'

/** Where each export in progress notes its temporary file, so a start after a crash can remove it. */
const EXPORT_JOURNAL = 'exports-in-progress'
/** Finished ZIP exports headless mode still offers for download. */
const MAX_REMEMBERED_ZIPS = 20

export class ExportService {
  readonly api: Pick<Api, 'startExport' | 'cancelExport' | 'exportSheet'>
  private readonly runs = new Map<string, ExportRun>()
  /** Finished ZIP exports by id, newest last: headless mode offers them for download (exportedZip). */
  private readonly zips = new Map<string, string>()

  constructor(
    store: Store,
    events: EventHub,
    private readonly dataDir: string,
    ledger: Ledger
  ) {
    this.api = {
      startExport: async (req) => {
        checkAbsolutePath(req.destination, 'The export destination')
        const assets = req.assetIds
          ? store.assetsByIds(req.assetIds)
          : req.jobIds
            ? store.assetsByIds(req.jobIds.flatMap((jobId) => store.assetsOfJob(jobId).map((a) => a.id)))
            : store.galleryAssets(req.filter ?? {})
        if (assets.length === 0) throw new Error('Nothing to export: the selection is empty')
        const missing = assets.filter((a) => !existsSync(a.path))
        if (missing.length > 0)
          throw new Error(`${missing.length} file(s) are missing on disk (first: ${missing[0].path}); rescan the library or leave them out`)
        const parents = parentIds(
          store,
          assets.map((a) => a.jobId)
        )
        const items = assets.map((a) => {
          const job = store.job(a.jobId)!
          return {
            ...a,
            params: JSON.parse(job.params_json) as Record<string, unknown>,
            submittedAt: job.submitted_at,
            finishedAt: job.finished_at,
            providerJobId: job.provider_job_id,
            cost: ledger.jobCost(a.jobId),
            parents: parents.get(a.jobId) ?? [],
            inputs: jobInputs(job).map((i) => i.path)
          }
        })
        const run = new ExportRun(
          items,
          {
            journalDir: join(dataDir, EXPORT_JOURNAL),
            format: req.format,
            destination: req.destination,
            template: req.template ?? '{batch}/{prompt}-{job}',
            embedMetadata: req.embedMetadata ?? false
          },
          (p) => events.emit('exportProgress', p)
        )
        this.runs.set(run.id, run)
        void run.run().then((p) => {
          this.runs.delete(run.id)
          if (p.state === 'done' && req.format === 'zip' && p.path) this.rememberZip(run.id, p.path)
          if (p.state === 'done') events.emit('notice', { level: 'info', message: `Exported ${p.total} files to ${p.path}` })
          if (p.state === 'failed') events.emit('notice', { level: 'error', message: `Export failed: ${p.error}` })
        })
        return { exportId: run.id, total: items.length }
      },
      cancelExport: async ({ exportId }) => {
        const run = this.runs.get(exportId)
        run?.cancel()
        return { canceled: run !== undefined }
      },
      exportSheet: async ({ batchId, format, destination, axes, cellSize }) => {
        const dir = checkAbsolutePath(destination, "The sheet's destination")
        const sheet = loadSheet(store, batchId, axes)
        if (!sheet) throw new Error(`Batch ${batchId} does not exist (deleted?)`)
        const fileOf: CellFile = (assetId) => store.asset(assetId) ?? null
        const written = format === 'png' ? await writeSheetPng(sheet, fileOf, dir, cellSize) : await writeSheetHtml(sheet, fileOf, dir)
        events.emit('notice', { level: 'info', message: `Saved the sheet of ${sheet.name} to ${written.path}` })
        return written
      }
    }
  }

  /** The library is locked: whatever temporary export files are there, a killed run left them. */
  async sweep(outputRoot: string): Promise<void> {
    await sweepStaleExports(join(this.dataDir, EXPORT_JOURNAL), [join(outputRoot, 'exports')])
  }

  /** The ZIP a finished export wrote, for a browser's download in headless mode; null for an unknown id. */
  exportedZip(exportId: string): string | null {
    return this.zips.get(exportId) ?? null
  }

  private rememberZip(exportId: string, path: string): void {
    this.zips.set(exportId, path)
    // Only recent ones: a user downloads an export right after it ends.
    for (const old of this.zips.keys()) if (this.zips.size > MAX_REMEMBERED_ZIPS) this.zips.delete(old)
  }
}
