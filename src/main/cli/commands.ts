// Folder src/main/cli/ — the batch CLI (src/main/cli.ts runs it): arguments (args.ts), commands over the
// core (this file), progress and the final report (report.ts). May import the core, src/shared and the
// simulator; never electron, and it runs no SQL (it asks the Store).
//
// The CLI's commands over the core: `run` queues a prompt file and waits, `resume` carries on with the
// library's unfinished jobs, `status` reads the library without running anything.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { PROVIDER_IDS, providerInfo, type JobKind, type ProviderId } from '../../shared/catalogue'
import type { CostReport, CostSummary } from '../../shared/costs'
import { ACTIVE_STATUSES, parseArg, type StatusCounts } from '../../shared/contract'
import { Core } from '../core/core'
import { headlessKeys, needsKey, type HeadlessKeys } from '../core/settings/keys'
import { dbPath, defaultDataDir } from '../core/storage/paths'
import { checkBaseUrl } from '../core/providers/http'
import { JsonFileSettings, type SettingsStore, type StoredSettings } from '../core/settings/settings'
import { Store } from '../core/storage/store'
import { startSimulator } from '../demo/server'
import { intOption, moneyOption, UsageError, type Values } from './args'
import { costLine, estimateLine, estimateRun } from './costs'
import { Ledger } from '../core/storage/ledger'
import { priceTable } from '../../shared/pricing'
import { formatOf, isKind, readPrompts, unknownProvider, type QueueGroup } from '../../shared/prompt-files'
import {
  allGood,
  countsLine,
  emptyCounts,
  excerpt,
  outcomeMessage,
  Progress,
  reportJobs,
  summary,
  waitForJobs,
  type JobReport,
  type WaitOutcome
} from './report'

export interface Io {
  env: NodeJS.ProcessEnv
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  cwd: string
}

/** What a command ends with: its exit code and the lines for stdout (the JSON one last). */
export interface Outcome {
  code: number
  /** Human summary or the JSON line, for stdout. */
  out: string
}

/** Exit codes. */
export const EXIT = { ok: 0, jobs: 1, usage: 2 } as const

export function dataDirOf(values: { 'data-dir'?: string }, io: Io): string {
  return resolve(io.cwd, values['data-dir'] ?? defaultDataDir(io.env))
}

/** Stored settings with this run's overrides on top; writes keep the file's own values for those. */
export class OverlaySettings implements SettingsStore {
  constructor(
    private readonly inner: SettingsStore,
    private readonly overlay: Partial<StoredSettings>
  ) {}

  read(): StoredSettings {
    return { ...this.inner.read(), ...this.overlay }
  }

  write(next: StoredSettings): void {
    const current = this.inner.read()
    const out: StoredSettings = { ...next }
    for (const key of Object.keys(this.overlay) as (keyof StoredSettings)[]) {
      if (next[key] !== this.overlay[key]) continue
      if (current[key] === undefined) delete out[key]
      else (out as Record<string, unknown>)[key] = current[key]
    }
    this.inner.write(out)
  }
}

/** Refuses, before anything is queued, providers that cannot work: no key, an unsafe key file, a bad base URL. */
export function checkProviders(providers: ProviderId[], keys: HeadlessKeys, stored: StoredSettings, env: NodeJS.ProcessEnv, dataDir: string): void {
  for (const provider of providers) {
    const info = providerInfo(provider)
    const key = keys.check(provider)
    if (key.problem) throw new UsageError(key.problem)
    if (needsKey(provider) && key.source === 'none') {
      throw new UsageError(`${info.label} needs an API key: set ${key.envVar} (or save the key alone in ${key.file}, mode 0600)`)
    }
    const fromEnv = env[`${info.envName}_BASE_URL`]
    const baseUrl = info.simulated ? fromEnv : fromEnv || stored.providers?.[provider]?.baseUrl || info.defaultBaseUrl
    if (baseUrl) {
      try {
        checkBaseUrl(baseUrl)
      } catch (err) {
        const where = fromEnv ? `${info.envName}_BASE_URL` : `the base URL in ${resolve(dataDir, 'config.json')}`
        throw new UsageError(`${info.label}: ${(err as Error).message} (from ${where})`)
      }
    }
  }
}

function jsonLine(jobs: JobReport[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ jobs, ...extra })
}

export interface Stop {
  controller: AbortController
  /** Removes the signal handlers. */
  off: () => void
}

/** Stops a wait on the first SIGINT/SIGTERM; a second one exits at once (SQLite keeps what was written). */
export function onSignals(): Stop {
  const controller = new AbortController()
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130)
    controller.abort(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  const off = () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
  return { controller, off }
}

function resumeHint(dataDir: string, io: Io): string {
  const explicit = dataDir !== resolve(io.cwd, defaultDataDir(io.env))
  return `batch-studio resume${explicit ? ` --data-dir '${dataDir.replace(/'/g, `'\\''`)}'` : ''}`
}

/** Waits for jobs with a progress bar, then closes the core and builds the report. */
export async function waitAndReport(core: Core, ids: number[], label: string, dataDir: string, io: Io, json: boolean, stop: Stop): Promise<Outcome> {
  const { controller, off } = stop
  const progress = new Progress(io.stderr, ids.length, label)
  let outcome: WaitOutcome
  try {
    outcome = await waitForJobs(core, ids, { signal: controller.signal, onTick: (c) => progress.update(c) })
  } finally {
    progress.clear()
  }
  if (outcome.kind === 'stopped') io.stderr.write(`Stopping (${outcome.signal}): letting requests in flight finish…\n`)
  // Close first: requests in flight settle and are stored, so the report is what a resume will find.
  await core.close().finally(off)
  const store = Store.open(dbPath(dataDir))
  let jobs: JobReport[]
  let outputDirs: string[]
  let costs: CostSummary
  try {
    jobs = reportJobs(store, ids)
    costs = new Ledger(store).report({ jobIds: ids }).total
    outputDirs = store.outputDirsOfJobs(ids)
  } finally {
    store.close()
  }
  const message = outcomeMessage(outcome)
  if (message) io.stderr.write(`error: ${message}\n`)
  io.stderr.write(`${costLine(costs)}\n`)
  // A paused provider (key rejected, no credits) is configuration to fix, not a failed job; a budget that stops the run is exit 1.
  let code: number = outcome.kind === 'paused' ? EXIT.usage : allGood(jobs) && outcome.kind !== 'capped' ? EXIT.ok : EXIT.jobs
  if (outcome.kind === 'stopped') {
    const left = jobs.filter((j) => ACTIVE_STATUSES.includes(j.status)).length
    io.stderr.write(`Stopped with ${left} job${left === 1 ? '' : 's'} unfinished; they are kept. Carry on with: ${resumeHint(dataDir, io)}\n`)
    code = outcome.signal === 'SIGTERM' ? 143 : 130
  }
  return { code, out: json ? jsonLine(jobs, { costs }) : summary(jobs, { outputDirs: jobs.some((j) => j.files.length) ? outputDirs : [] }) }
}

export async function runCommand(values: Values<'run'>, io: Io): Promise<Outcome> {
  if (!values.prompts) throw new UsageError('--prompts FILE is required', 'run')
  const dataDir = dataDirOf(values, io)
  const fileSettings = new JsonFileSettings(dataDir)
  const stored = fileSettings.read()
  const provider = values.provider ?? stored.defaultProvider ?? 'demo'
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new UsageError(unknownProvider(provider), 'run')
  if (values.kind !== undefined && (!isKind(values.kind) || values.kind === 'trim'))
    throw new UsageError(`--kind must be one of image, video, edit, upscale, audio`, 'run')
  const count = intOption('count', values.count, 1, 100, 'run') ?? 1
  const file = values.prompts
  const path = resolve(io.cwd, file)
  if (!existsSync(path)) throw new UsageError(`prompts file not found: ${file}`)
  if (!statSync(path).isFile()) throw new UsageError(`not a file: ${file}`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const { rows, problems, groups } = readPrompts(text, formatOf(path), {
    provider: provider as ProviderId,
    model: values.model,
    kind: values.kind as JobKind | undefined,
    count,
    sharedInputs: values.input?.length ?? 0
  })
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
    throw new UsageError(`${file}:${problems[0].line}: ${problems[0].message}${more}`)
  }
  if (rows.length === 0) throw new UsageError(`${file} has no prompts`)
  const batchName = values.batch?.trim() || basename(path)
  // Input files: --input for every job (from the working folder), a row's own from the prompt file's folder.
  const shared = (values.input ?? []).map((p) => ({ path: resolve(io.cwd, p) }))
  const requests = groups.map((g: QueueGroup) => {
    const promptInputs = g.promptInputs.some((list) => list.length)
      ? g.promptInputs.map((list) => list.map((p) => ({ path: resolve(dirname(path), p) })))
      : undefined
    const arg = {
      prompts: g.prompts,
      count: g.count,
      provider: g.provider,
      model: g.model,
      params: g.params,
      batchName,
      ...(shared.length ? { inputs: shared } : {}),
      ...(promptInputs ? { promptInputs } : {})
    }
    try {
      return parseArg('queuePrompts', arg)
    } catch (err) {
      throw new UsageError(`${file}:${g.firstLine}: ${(err as Error).message}`)
    }
  })
  // The estimate, from the same price table as the app (its defaults and the user's edits), before anything is queued.
  const estimate = estimateRun(requests as ((typeof requests)[number] & { provider: ProviderId })[], priceTable(stored.prices ?? {}))
  io.stderr.write(`${estimateLine(estimate)}\n`)
  if (values['dry-run']) return { code: EXIT.ok, out: values.json ? jsonLine([], { estimate }) : estimateLine(estimate) }
  const maxCost = moneyOption('max-cost', values['max-cost'], 'run')
  if (maxCost !== undefined && estimate.unknown.length && !values['allow-unknown-cost']) {
    throw new UsageError(
      `--max-cost cannot hold back jobs of unknown price (${estimate.unknown.map((u) => `${u.provider}/${u.model}`).join(', ')}): give them a price in the app's Settings, or add --allow-unknown-cost to queue them anyway`,
      'run'
    )
  }
  const keys = headlessKeys(dataDir, io.env)
  checkProviders([...new Set(groups.map((g) => g.provider))], keys, stored, io.env, dataDir)

  const settings = values.out ? new OverlaySettings(fileSettings, { outputRoot: resolve(io.cwd, values.out) }) : fileSettings
  // From here on a signal stops the run cleanly (a queue call in progress completes first).
  const stop = onSignals()
  const core = await Core.open({ dataDir, settings, keys, startSimulator }).catch((err: unknown) => {
    stop.off()
    throw err
  })
  if (stop.controller.signal.aborted) {
    await core.close().finally(stop.off)
    io.stderr.write('Stopped before anything was queued\n')
    return { code: stop.controller.signal.reason === 'SIGTERM' ? 143 : 130, out: values.json ? jsonLine([]) : '' }
  }
  const ids: number[] = []
  // One run is one batch (one folder): the first group makes it, the others add to it.
  let batchId: number | undefined
  try {
    for (const arg of requests) {
      const budget = maxCost !== undefined && batchId === undefined ? { budget: { amount: maxCost, currency: 'usd' as const } } : {}
      const queued = await core.api.queuePrompts({ ...arg, batchId, ...budget, allowUnknownCost: Boolean(values['allow-unknown-cost']) })
      batchId = queued.batchId
      const { jobIds } = queued
      ids.push(...jobIds)
      const dir = core.store.batchOutputDir(batchId)
      io.stderr.write(
        `Queued ${jobIds.length} job${jobIds.length === 1 ? '' : 's'} on ${arg.provider}/${arg.model} as batch #${batchId} "${arg.batchName}" → ${dir}\n`
      )
    }
  } catch (err) {
    await core.close().finally(stop.off)
    throw err
  }
  return waitAndReport(core, ids, 'run', dataDir, io, Boolean(values.json), stop)
}

export async function resumeCommand(values: Values<'resume'>, io: Io): Promise<Outcome> {
  const dataDir = dataDirOf(values, io)
  const json = Boolean(values.json)
  const nothing = (): Outcome => {
    io.stderr.write(`Nothing to resume in ${dataDir}\n`)
    return { code: EXIT.ok, out: json ? jsonLine([]) : '0 unfinished jobs' }
  }
  if (!existsSync(dbPath(dataDir))) return nothing()
  // The jobs unfinished now, read before the core's start-up changes any of them.
  const store = Store.open(dbPath(dataDir))
  let unfinished: { id: number; provider: ProviderId }[]
  try {
    unfinished = store.unfinishedJobs().map((r) => ({ id: r.id, provider: r.provider }))
  } finally {
    store.close()
  }
  if (unfinished.length === 0) return nothing()
  const fileSettings = new JsonFileSettings(dataDir)
  const keys = headlessKeys(dataDir, io.env)
  checkProviders([...new Set(unfinished.map((j) => j.provider))], keys, fileSettings.read(), io.env, dataDir)
  const stop = onSignals()
  const core = await Core.open({ dataDir, settings: fileSettings, keys, startSimulator }).catch((err: unknown) => {
    stop.off()
    throw err
  })
  io.stderr.write(`Resuming ${unfinished.length} unfinished job${unfinished.length === 1 ? '' : 's'} in ${dataDir}\n`)
  return waitAndReport(
    core,
    unfinished.map((j) => j.id),
    'resume',
    dataDir,
    io,
    json,
    stop
  )
}

export async function statusCommand(values: Values<'status'>, io: Io): Promise<Outcome> {
  const dataDir = dataDirOf(values, io)
  const json = Boolean(values.json)
  const limit = intOption('limit', values.limit, 1, Number.MAX_SAFE_INTEGER, 'status') ?? (json ? undefined : 50)
  let counts: StatusCounts = emptyCounts()
  let total = 0
  let jobs: JobReport[] = []
  let costs: CostReport | null = null
  if (existsSync(dbPath(dataDir))) {
    const store = Store.open(dbPath(dataDir))
    try {
      costs = new Ledger(store).report()
      counts = store.statusCounts()
      total = Object.values(counts).reduce((a, b) => a + b, 0)
      const ids = store.latestJobIds(limit)
      jobs = reportJobs(store, ids)
    } finally {
      store.close()
    }
  }
  if (json) return { code: EXIT.ok, out: jsonLine(jobs, { total, counts, costs }) }
  const lines = [`Library: ${dataDir}`, `${total} job${total === 1 ? '' : 's'}: ${countsLine(counts)}`, ...(costs ? [costLine(costs.total)] : [])]
  if (jobs.length) {
    const width = String(jobs.at(-1)!.id).length
    lines.push('')
    for (const j of jobs) {
      const files = j.files.length === 0 ? '' : `  ${j.files[0]}${j.files.length > 1 ? ` (+${j.files.length - 1})` : ''}`
      lines.push(`${String(j.id).padStart(width)}  ${j.status.padEnd(15)} ${`${j.provider}/${j.model}`.padEnd(22)} ${excerpt(j.prompt).padEnd(40)}${files}`)
      if (j.error && j.status !== 'done') lines.push(`${' '.repeat(width)}  ↳ ${excerpt(j.error, 120)}`)
    }
    if (jobs.length < total) lines.push(`(the ${jobs.length} most recent of ${total}; --limit N for more)`)
  }
  return { code: EXIT.ok, out: lines.join('\n') }
}
