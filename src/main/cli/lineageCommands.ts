// The CLI's `send` (picked results → a next step, as the app's Send to…) and `sheet` (a batch's comparison
// sheet → a PNG or HTML file), over the same core modules as the app.
import { resolve } from 'node:path'
import { PROVIDER_IDS, type ProviderId } from '../../shared/catalogue'
import { parseArg } from '../../shared/contract'
import { Core } from '../core/core'
import { startSimulator } from '../demo/server'
import { headlessKeys } from '../core/settings/keys'
import { dbPath } from '../core/storage/paths'
import { JsonFileSettings } from '../core/settings/settings'
import { writeSheetHtml, writeSheetPng } from '../core/library/sheets'
import { loadSheet } from '../core/storage/sheets'
import { Store } from '../core/storage/store'
import { existsSync } from 'node:fs'
import { intOption, UsageError, type Values } from './args'
import { checkProviders, dataDirOf, EXIT, onSignals, waitAndReport, type Io, type Outcome } from './commands'
import { unknownProvider } from '../../shared/prompt-files'

function idList(name: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined
  const parts = raw.split(/[\s,]+/).filter(Boolean)
  if (!parts.length || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1))
    throw new UsageError(`--${name} must be job or file ids separated by commas (e.g. 12,13,40)`, 'send')
  return parts.map(Number)
}

export async function sendCommand(values: Values<'send'>, io: Io): Promise<Outcome> {
  const dataDir = dataDirOf(values, io)
  const fileSettings = new JsonFileSettings(dataDir)
  const stored = fileSettings.read()
  const provider = values.provider ?? stored.defaultProvider ?? 'demo'
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new UsageError(unknownProvider(provider), 'send')
  if (!values.model) throw new UsageError('--model M is required (e.g. upscales on the demo)', 'send')
  let params: unknown = {}
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params)
    } catch {
      throw new UsageError('--params must be a JSON object, e.g. {"strength": 2}', 'send')
    }
  }
  const jobIds = idList('jobs', values.jobs)
  const assetIds = idList('assets', values.assets)
  const batchId = intOption('batch-id', values['batch-id'], 1, Number.MAX_SAFE_INTEGER, 'send')
  const minRating = intOption('min-rating', values['min-rating'], 0, 5, 'send')
  const filter =
    values.favorites || batchId !== undefined || minRating !== undefined
      ? { ...(values.favorites ? { favorite: true } : {}), ...(batchId !== undefined ? { batchId } : {}), ...(minRating ? { minRating } : {}) }
      : undefined
  if ([jobIds, assetIds, filter].filter(Boolean).length !== 1)
    throw new UsageError('name what to send with one of --jobs, --assets, or the filter options (--favorites, --batch-id, --min-rating)', 'send')
  let request
  try {
    request = parseArg('sendTo', { jobIds, assetIds, filter, provider, model: values.model, prompt: values.prompt, params, batchName: values.batch })
  } catch (err) {
    throw new UsageError((err as Error).message, 'send')
  }
  if (!existsSync(dbPath(dataDir))) throw new UsageError(`no library in ${dataDir}: nothing to send`)
  const keys = headlessKeys(dataDir, io.env)
  checkProviders([provider as ProviderId], keys, stored, io.env, dataDir)
  const stop = onSignals()
  const core = await Core.open({ dataDir, settings: fileSettings, keys, startSimulator }).catch((err: unknown) => {
    stop.off()
    throw err
  })
  let queued: { batchId: number; jobIds: number[] }
  try {
    queued = await core.api.sendTo(request)
  } catch (err) {
    await core.close().finally(stop.off)
    // Refused before anything was queued: the selection or the step is what to fix.
    throw new UsageError((err as Error).message, 'send')
  }
  io.stderr.write(`Sent ${queued.jobIds.length} file${queued.jobIds.length === 1 ? '' : 's'} to ${provider}/${values.model} as batch #${queued.batchId}\n`)
  return waitAndReport(core, queued.jobIds, 'send', dataDir, io, Boolean(values.json), stop)
}

export async function sheetCommand(values: Values<'sheet'>, io: Io): Promise<Outcome> {
  const dataDir = dataDirOf(values, io)
  const batchId = intOption('batch-id', values['batch-id'], 1, Number.MAX_SAFE_INTEGER, 'sheet')
  if (batchId === undefined) throw new UsageError('--batch-id N is required', 'sheet')
  const format = values.format ?? 'png'
  if (format !== 'png' && format !== 'html') throw new UsageError('--format must be png or html', 'sheet')
  const cell = intOption('cell', values.cell, 64, 1024, 'sheet') ?? 256
  if (!existsSync(dbPath(dataDir))) throw new UsageError(`no library in ${dataDir}`)
  const store = Store.open(dbPath(dataDir))
  try {
    const sheet = loadSheet(store, batchId)
    if (!sheet) throw new UsageError(`batch ${batchId} does not exist`, 'sheet')
    const dir = resolve(io.cwd, values.out ?? '.')
    const fileOf = (assetId: number) => store.asset(assetId) ?? null
    const written = format === 'png' ? await writeSheetPng(sheet, fileOf, dir, cell) : await writeSheetHtml(sheet, fileOf, dir)
    io.stderr.write(
      `Wrote the sheet of "${sheet.name}" (${sheet.rows.labels.length} × ${sheet.cols.labels.length}${sheet.pages.labels.length > 1 ? ` × ${sheet.pages.labels.length}` : ''}; ${sheet.counts.done} done, ${sheet.counts.failed} failed, ${sheet.counts.pending} waiting)\n`
    )
    return { code: EXIT.ok, out: values.json ? JSON.stringify(written) : written.path }
  } finally {
    store.close()
  }
}
