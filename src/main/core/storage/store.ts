// Folder src/main/core/storage/ — the library on disk: the SQLite file and its numbered migrations (db.ts),
// the one lock that keeps a second process out (lock.ts), where files live (paths.ts), the typed store
// (this file) and the tables beside the jobs: each job's cost and the budgets (ledger.ts, budgets.ts), where
// a job came from (lineage.ts) and the comparison sheets' axes and winners (sheets.ts). The only folder that opens the library or runs SQL (the lint refuses it elsewhere). May
// import src/shared, better-sqlite3 and Node, and types from jobs/ and providers/; nothing else above it.
//
// Typed reads and writes over the SQLite library. Every change of a job's state goes through `transition`,
// which writes the new state and its history row in one transaction, so what the user sees in a job's
// history is exactly what happened, and a crash between the two cannot happen.
import { openDb, type Db } from './db'
import type { JobKind, ProviderId } from '../../../shared/catalogue'
import {
  ACTIVE_STATUSES,
  ERROR_EVENT_TYPES,
  FAILED_STATUSES,
  JOB_STATUSES,
  UNSENT_STATUSES,
  type Asset,
  type Batch,
  type GalleryFilter,
  type Job,
  type JobEvent,
  type JobInput,
  type JobSortColumn,
  type JobStatus,
  type StatusCounts
} from '../../../shared/contract'
import type { ProviderRef, ResultFile } from '../providers/types'
import type { ActiveGroup } from '../jobs/eta'
import type { JobEventDraft, Transition } from '../jobs/lifecycle'
import { lineageCondition } from './lineage'

export interface JobRow {
  id: number
  batch_id: number
  batch_name: string
  output_dir: string
  batch_paused: number
  parent_job_id: number | null
  provider: ProviderId
  model: string
  kind: JobKind
  prompt: string
  params_json: string
  status: JobStatus
  progress: number | null
  attempts: number
  polls: number
  transient_errors: number
  provider_job_id: string | null
  provider_ref_json: string | null
  result_json: string | null
  raw_status: string | null
  error: string | null
  next_poll_at: number | null
  created_at: number
  updated_at: number
  claimed_at: number | null
  submitted_at: number | null
  ready_at: number | null
  finished_at: number | null
  last_response: string | null
  inputs_json: string | null
  /** A pipeline step: its input is its parent's downloaded file (pipeline.ts). */
  from_parent: number
  first_asset_id: number | null
}

/** Columns a transition may change. */
export interface JobPatch {
  status?: JobStatus
  progress?: number | null
  attempts?: number
  polls?: number
  transient_errors?: number
  provider_job_id?: string | null
  provider_ref_json?: string | null
  result_json?: string | null
  raw_status?: string | null
  error?: string | null
  next_poll_at?: number | null
  claimed_at?: number | null
  submitted_at?: number | null
  ready_at?: number | null
  finished_at?: number | null
  last_response?: string | null
}

export interface NewJob {
  provider: ProviderId
  model: string
  kind: JobKind
  prompt: string
  params: Record<string, unknown>
  parentJobId?: number | null
  /** Index, within the same insert, of the job this one is chained after. */
  after?: number
  /** Local files the job starts from (checked to exist when queued, again when sent). */
  inputs?: JobInput[]
  /** A pipeline step that takes its parent's downloaded file as input (pipeline.ts). */
  fromParent?: boolean
}

/** A job's input files as stored. */
export function jobInputs(row: Pick<JobRow, 'inputs_json'>): JobInput[] {
  return row.inputs_json ? (JSON.parse(row.inputs_json) as JobInput[]) : []
}

export interface NewAsset {
  jobId: number
  idx: number
  path: string
  sourceUrl: string
  mime: string
  size: number
  sha256: string
  width: number | null
  height: number | null
}

const JOB_SELECT = `
  SELECT j.*, b.name AS batch_name, b.output_dir AS output_dir, b.paused AS batch_paused,
    (SELECT a.id FROM assets a WHERE a.job_id = j.id ORDER BY a.idx LIMIT 1) AS first_asset_id
  FROM jobs j JOIN batches b ON b.id = j.batch_id`

const ASSET_SELECT = `
  SELECT a.*, j.batch_id, b.name AS batch_name, j.prompt, j.provider, j.model
  FROM assets a JOIN jobs j ON j.id = a.job_id JOIN batches b ON b.id = j.batch_id`

/** A constant list for SQL's IN (...): the status sets and event types are fixed words, never user input. */
function sqlList(words: readonly string[]): string {
  return words.map((w) => `'${w}'`).join(', ')
}
const ACTIVE = sqlList(ACTIVE_STATUSES)

const PATCH_COLUMNS = new Set<keyof JobPatch>([
  'status',
  'progress',
  'attempts',
  'polls',
  'transient_errors',
  'provider_job_id',
  'provider_ref_json',
  'result_json',
  'raw_status',
  'error',
  'next_poll_at',
  'claimed_at',
  'submitted_at',
  'ready_at',
  'finished_at',
  'last_response'
])

/** `etaAt`: when the job should be ready (EtaBook.jobEta), or null. */
export function toJob(row: JobRow, etaAt: number | null = null): Job {
  return {
    id: row.id,
    batchId: row.batch_id,
    batchName: row.batch_name,
    parentJobId: row.parent_job_id,
    provider: row.provider,
    model: row.model,
    kind: row.kind,
    prompt: row.prompt,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    status: row.status,
    progress: row.progress,
    attempts: row.attempts,
    polls: row.polls,
    providerJobId: row.provider_job_id,
    rawStatus: row.raw_status,
    error: row.error,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    nextPollAt: row.next_poll_at,
    updatedAt: row.updated_at,
    firstAssetId: row.first_asset_id,
    inputs: jobInputs(row),
    etaAt,
    failedTries: row.transient_errors
  }
}

interface AssetRow {
  id: number
  job_id: number
  batch_id: number
  batch_name: string
  prompt: string
  provider: ProviderId
  model: string
  path: string
  mime: string
  size: number
  sha256: string
  width: number | null
  height: number | null
  thumb_path: string | null
  created_at: number
  favorite: number
  rating: number
  missing: number
}

function toAsset(row: AssetRow): Asset {
  return {
    id: row.id,
    jobId: row.job_id,
    batchId: row.batch_id,
    batchName: row.batch_name,
    prompt: row.prompt,
    provider: row.provider,
    model: row.model,
    path: row.path,
    mime: row.mime,
    size: row.size,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    createdAt: row.created_at,
    favorite: row.favorite === 1,
    rating: row.rating,
    missing: row.missing === 1
  }
}

/** The most words a search sends to FTS5: each is a prefix scan (250 one-letter words took 591 ms on 20k rows). */
export const MAX_SEARCH_TERMS = 16
const MAX_SEARCH_CHARS = 2000
const MAX_TERM_CHARS = 64

/**
 * Turns what a user typed into an FTS5 query: every word must match, as a prefix; no FTS syntax leaks.
 * Words are deduped as the tokenizer folds them (case, diacritics); a word that begins another adds
 * nothing (both are prefixes, all must match) and is dropped; one-letter words, which match nearly every
 * row, are dropped when a longer word is there; then the first MAX_SEARCH_TERMS words are kept.
 */
export function ftsQuery(text: string): string | null {
  const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
  const byKey = new Map<string, string>()
  for (const raw of text.slice(0, MAX_SEARCH_CHARS).match(/[\p{L}\p{N}]+/gu) ?? []) {
    const word = Array.from(raw).slice(0, MAX_TERM_CHARS).join('')
    const key = fold(word)
    if (key && !byKey.has(key)) byKey.set(key, word)
  }
  // In sorted order, a word that begins any other begins the one right after it.
  const sorted = [...byKey.keys()].sort()
  const redundant = new Set(sorted.filter((k, i) => sorted[i + 1]?.startsWith(k)))
  let keys = [...byKey.keys()].filter((k) => !redundant.has(k))
  if (keys.some((k) => Array.from(k).length > 1)) keys = keys.filter((k) => Array.from(k).length > 1)
  const words = keys.slice(0, MAX_SEARCH_TERMS).map((k) => byKey.get(k) as string)
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null
}

const SORT_SQL: Record<JobSortColumn, string> = {
  id: 'j.id',
  prompt: 'j.prompt COLLATE NOCASE',
  status: 'j.status',
  provider: 'j.provider, j.model',
  attempts: 'j.attempts',
  elapsed: 'COALESCE(j.finished_at, j.updated_at) - COALESCE(j.submitted_at, j.created_at)'
}

export function jobRef(row: JobRow): ProviderRef | null {
  return row.provider_ref_json ? (JSON.parse(row.provider_ref_json) as ProviderRef) : null
}

export function jobResult(row: JobRow): ResultFile[] {
  return row.result_json ? (JSON.parse(row.result_json) as ResultFile[]) : []
}

export interface JobQuery {
  offset: number
  limit: number
  status?: JobStatus[]
  batchId?: number
  provider?: ProviderId
  model?: string
  text?: string
  lineage?: 'derived' | 'has-children'
  sort?: JobSortColumn
  dir?: 'asc' | 'desc'
}

type GalleryQuery = Omit<GalleryFilter, 'offset' | 'limit'>

/** A status filter matching more jobs than this reads its page in sort order rather than through the status index. */
const MANY_MATCHES = 2000

/** A job as the scheduler sees it at start-up. */
export interface ScheduleRow {
  id: number
  provider: ProviderId
  status: JobStatus
  next_poll_at: number | null
}

export class Store {
  private readonly stmts
  /** Run inside each written transition's transaction (the cost ledger): what they write commits with it or not at all. */
  readonly onTransition: ((id: number, patch: JobPatch, now: number) => void)[] = []

  /** Only the store runs SQL: everything else asks it by name (the lint's layering rules keep it so). */
  constructor(private readonly db: Db) {
    this.stmts = {
      job: db.prepare<[number], JobRow>(`${JOB_SELECT} WHERE j.id = ?`),
      event: db.prepare('INSERT INTO job_events (job_id, at, type, message) VALUES (?, ?, ?, ?)'),
      events: db.prepare<[number], { id: number; job_id: number; at: number; type: JobEvent['type']; message: string }>(
        'SELECT * FROM job_events WHERE job_id = ? ORDER BY id'
      ),
      insertJob: db.prepare(
        `INSERT INTO jobs (batch_id, parent_job_id, provider, model, kind, prompt, params_json, inputs_json, status, next_poll_at, created_at, updated_at, from_parent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`
      ),
      insertAsset: db.prepare(
        `INSERT INTO assets (job_id, idx, path, source_url, mime, size, sha256, width, height, created_at)
         VALUES (@jobId, @idx, @path, @sourceUrl, @mime, @size, @sha256, @width, @height, @createdAt)
         ON CONFLICT (job_id, idx) DO UPDATE SET path = excluded.path, source_url = excluded.source_url, mime = excluded.mime,
           size = excluded.size, sha256 = excluded.sha256, width = excluded.width, height = excluded.height`
      ),
      assetsOfJob: db.prepare<[number], AssetRow>(`${ASSET_SELECT} WHERE a.job_id = ? ORDER BY a.idx`),
      asset: db.prepare<[number], AssetRow>(`${ASSET_SELECT} WHERE a.id = ?`),
      setThumb: db.prepare('UPDATE assets SET thumb_path = ? WHERE id = ?'),
      durations: db
        .prepare<[string, string], number>(
          `SELECT ready_at - submitted_at FROM jobs
         WHERE provider = ? AND model = ? AND ready_at IS NOT NULL AND submitted_at IS NOT NULL
         ORDER BY ready_at DESC LIMIT 200`
        )
        .pluck()
    }
  }

  /** Opens (creating or migrating) the library at `file`. */
  static open(file: string, o: { nativeBinding?: string } = {}): Store {
    return new Store(openDb(file, o))
  }

  /** The library file's path. */
  get file(): string {
    return this.db.name
  }

  close(): void {
    this.db.close()
  }

  /**
   * Creates a batch (its output folder named after its id) or adds to an existing one (`into`), with its
   * jobs, in one transaction; throws, queuing nothing, when `into` no longer exists.
   */
  addBatchJobs(
    jobs: NewJob[],
    o: { name: string; into?: number; outputDir: (batchId: number) => string; within?: (added: { batchId: number; jobIds: number[] }) => void }
  ): { batchId: number; jobIds: number[] } {
    return this.db
      .transaction(() => {
        let added: { batchId: number; jobIds: number[] }
        if (o.into !== undefined) {
          if (!this.db.prepare('SELECT 1 FROM batches WHERE id = ?').get(o.into))
            throw new Error(`Batch ${o.into} does not exist (deleted?); nothing more was queued`)
          added = { batchId: o.into, jobIds: this.insertJobs(o.into, jobs) }
        } else {
          const batchId = this.createBatch(o.name, '')
          this.db.prepare('UPDATE batches SET output_dir = ? WHERE id = ?').run(o.outputDir(batchId), batchId)
          added = { batchId, jobIds: this.insertJobs(batchId, jobs) }
        }
        // What must commit with the jobs (their cost estimates, the batch's budget), before any can be sent.
        o.within?.(added)
        return added
      })
      .immediate()
  }

  batchOutputDir(batchId: number): string | undefined {
    return this.db.prepare<[number], string>('SELECT output_dir FROM batches WHERE id = ?').pluck().get(batchId)
  }

  /** The output folders of these jobs' batches. */
  outputDirsOfJobs(ids: number[]): string[] {
    return this.db
      .prepare<[string], string>(`SELECT DISTINCT b.output_dir FROM jobs j JOIN batches b ON b.id = j.batch_id WHERE j.id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(ids))
  }

  /** The newest jobs' ids, newest first; all of them without a limit. */
  latestJobIds(limit?: number): number[] {
    return this.db
      .prepare<[number], number>('SELECT id FROM jobs ORDER BY id DESC LIMIT ?')
      .pluck()
      .all(limit ?? -1)
  }

  /** How many of these jobs are in each status, per provider. */
  countsByProvider(ids: number[]): { provider: ProviderId; status: JobStatus; n: number }[] {
    return this.db
      .prepare<[string], { provider: ProviderId; status: JobStatus; n: number }>(
        `SELECT provider, status, COUNT(*) AS n FROM jobs WHERE id IN (SELECT value FROM json_each(?)) GROUP BY provider, status`
      )
      .all(JSON.stringify(ids))
  }

  /** The paths of a job's saved files, in result order. */
  filePaths(jobId: number): string[] {
    return this.db.prepare<[number], string>('SELECT path FROM assets WHERE job_id = ? ORDER BY idx').pluck().all(jobId)
  }

  createBatch(name: string, outputDir: string): number {
    return Number(this.db.prepare('INSERT INTO batches (name, output_dir, created_at) VALUES (?, ?, ?)').run(name, outputDir, Date.now()).lastInsertRowid)
  }

  /** Queues jobs in one transaction: all of them or none. */
  insertJobs(batchId: number, jobs: NewJob[], now = Date.now()): number[] {
    return this.db
      .transaction(() =>
        jobs.reduce<number[]>((ids, j) => {
          const parent = j.after !== undefined ? ids[j.after] : (j.parentJobId ?? null)
          const id = Number(
            this.stmts.insertJob.run(
              batchId,
              parent,
              j.provider,
              j.model,
              j.kind,
              j.prompt,
              JSON.stringify(j.params),
              j.inputs?.length ? JSON.stringify(j.inputs) : null,
              now,
              now,
              now,
              j.fromParent ? 1 : 0
            ).lastInsertRowid
          )
          this.stmts.event.run(
            id,
            now,
            'queued',
            parent ? `Queued on ${j.provider} / ${j.model}; starts when job ${parent} is done` : `Queued on ${j.provider} / ${j.model}`
          )
          ids.push(id)
          return ids
        }, [])
      )
      .immediate()
  }

  job(id: number): JobRow | undefined {
    return this.stmts.job.get(id)
  }

  /** A pipeline step's inputs, found when it is first sent (its parent's downloaded files). */
  setJobInputs(id: number, inputs: JobInput[]): void {
    this.db.prepare('UPDATE jobs SET inputs_json = ? WHERE id = ?').run(JSON.stringify(inputs), id)
  }

  /** A job's steps that failed because it did (pipeline.ts's reason), oldest first. */
  stepsFailedWith(parentId: number): number[] {
    return this.db
      .prepare<[number], number>("SELECT id FROM jobs WHERE parent_job_id = ? AND status = 'failed' AND error LIKE 'The step it starts from %' ORDER BY id")
      .pluck()
      .all(parentId)
  }

  /** Steps still queued behind a parent that ended without a result. */
  orphanSteps(): { id: number; parent: number; status: JobStatus }[] {
    return this.db
      .prepare<[], { id: number; parent: number; status: JobStatus }>(
        `SELECT c.id, p.id AS parent, p.status FROM jobs c JOIN jobs p ON p.id = c.parent_job_id
         WHERE c.status = 'queued' AND p.status IN ('failed', 'canceled', 'needs_attention') ORDER BY c.id`
      )
      .all()
  }

  /** Queued jobs a budget may hold back: a batch's, or every job held with `reasonPrefix`. */
  heldJobIds(scope: 'batch' | 'other', key: string, reasonPrefix: string): number[] {
    return scope === 'batch'
      ? this.db.prepare<[string], number>("SELECT id FROM jobs WHERE status = 'queued' AND batch_id = CAST(? AS INTEGER)").pluck().all(key)
      : this.db.prepare<[string], number>("SELECT id FROM jobs WHERE status = 'queued' AND error LIKE ? || '%'").pluck().all(reasonPrefix)
  }

  /** The same database for the storage folder's other tables (cost ledger, budgets, lineage, sheets); the lint refuses it elsewhere. */
  get sql(): Db {
    return this.db
  }

  /**
   * Writes a job's new state and the history row that explains it, atomically, only if the job is still in
   * the status the transition expects (the user may have canceled it while a request was in flight); returns
   * whether it was written. Transitions come from jobs/lifecycle.ts, the one place that decides them.
   */
  transition(id: number, t: Transition, now = Date.now()): boolean {
    const { patch, event, expect } = t
    const keys = Object.keys(patch).filter((k) => PATCH_COLUMNS.has(k as keyof JobPatch)) as (keyof JobPatch)[]
    const sets = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ')
    const sql = `UPDATE jobs SET ${sets} WHERE id = @id AND status = @expect`
    return this.db
      .transaction(() => {
        const { changes } = this.db.prepare(sql).run({ ...patch, updated_at: now, id, expect })
        if (changes > 0 && event) this.stmts.event.run(id, now, event.type, event.message)
        if (changes > 0) for (const hook of this.onTransition) hook(id, patch, now)
        return changes > 0
      })
      .immediate()
  }

  /** A history row that changes nothing (a remote cancel that failed, an internal error). */
  addEvent(id: number, type: JobEventDraft['type'], message: string, now = Date.now()): void {
    this.stmts.event.run(id, now, type, message)
  }

  events(id: number): JobEvent[] {
    return this.stmts.events.all(id).map((e) => ({ id: e.id, jobId: e.job_id, at: e.at, type: e.type, message: e.message }))
  }

  /** Chained steps still waiting for this job's output. */
  waitingChildren(parentId: number): JobRow[] {
    return this.db.prepare<[number], JobRow>(`${JOB_SELECT} WHERE j.parent_job_id = ? AND j.status = 'queued'`).all(parentId)
  }

  /** A real write, undone at once; throws while the library cannot be written (disk full, I/O error). */
  probeWrite(now = Date.now()): void {
    this.db
      .transaction(() => {
        this.db.prepare('INSERT INTO write_probe (at, pad) VALUES (?, zeroblob(8192))').run(now)
        this.db.prepare('DELETE FROM write_probe').run()
      })
      .immediate()
  }

  /** Every batch's output folder (the start-up sweep of cut-short downloads). */
  batchDirs(): string[] {
    return this.db.prepare('SELECT output_dir FROM batches').pluck().all() as string[]
  }

  /**
   * What the scheduler needs, at start-up, of every job that is at a provider or on its way there (a light
   * scan on the status index, not whole rows): these are resumed first.
   */
  resumableSchedule(): ScheduleRow[] {
    return this.db
      .prepare<[], ScheduleRow>(`SELECT id, provider, status, next_poll_at FROM jobs WHERE status IN ('submitting', 'running', 'downloading') ORDER BY id`)
      .all()
  }

  /**
   * Queued jobs after `afterId`, in id order, `limit` at a time: a start reads a queue of 100,000 a slice per tick.
   * `+status` keeps SQLite on the id order (it stops after `limit`) rather than the status index, which would
   * sort all 97,000 queued jobs for every slice: 0.65 ms a slice instead of 7 ms.
   */
  queuedSchedule(afterId: number, limit: number): ScheduleRow[] {
    return this.db
      .prepare<[number, number], ScheduleRow>(`SELECT id, provider, status, next_poll_at FROM jobs WHERE id > ? AND +status = 'queued' ORDER BY id LIMIT ?`)
      .all(afterId, limit)
  }

  /** Batches with unfinished jobs. */
  activeBatchIds(): number[] {
    return this.db.prepare(`SELECT DISTINCT batch_id FROM jobs WHERE status IN (${ACTIVE})`).pluck().all() as number[]
  }

  hasUnfinished(provider: ProviderId): boolean {
    return this.db.prepare(`SELECT 1 FROM jobs WHERE status IN (${ACTIVE}) AND provider = ? LIMIT 1`).get(provider) !== undefined
  }

  /** Jobs the poller must carry on with after a start. */
  unfinishedJobs(): JobRow[] {
    return this.db.prepare<[], JobRow>(`${JOB_SELECT} WHERE j.status IN (${ACTIVE}) ORDER BY j.id`).all()
  }

  /**
   * `statusIndex: false` writes the status test so that SQLite does not look it up by the status index: for a
   * filter that matches many jobs, walking the sort order and stopping at the page beats collecting every
   * match and sorting it (the queued filter on 97,000 queued jobs: 0.2 ms instead of 110 ms).
   */
  private jobWhere(q: Omit<JobQuery, 'offset' | 'limit'>, statusIndex = true): { clause: string; params: Record<string, unknown> } {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    if (q.status?.length) {
      where.push(`${statusIndex ? '' : '+'}j.status IN (${q.status.map((_, i) => `@s${i}`).join(', ')})`)
      q.status.forEach((s, i) => (params[`s${i}`] = s))
    }
    for (const [key, column] of [
      ['batchId', 'j.batch_id'],
      ['provider', 'j.provider'],
      ['model', 'j.model']
    ] as const) {
      if (q[key] === undefined) continue
      where.push(`${column} = @${key}`)
      params[key] = q[key]
    }
    const lineage = lineageCondition(q.lineage)
    if (lineage) where.push(lineage)
    const fts = q.text ? ftsQuery(q.text) : null
    if (fts) {
      where.push('j.id IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH @fts)')
      params.fts = fts
    }
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
  }

  listJobs(q: JobQuery): { total: number; rows: JobRow[] } {
    const { clause, params } = this.jobWhere(q)
    const total = this.db.prepare(`SELECT COUNT(*) FROM jobs j ${clause}`).pluck().get(params) as number
    const dir = q.dir === 'asc' ? 'ASC' : 'DESC'
    const order = `${SORT_SQL[q.sort ?? 'id']} ${dir}, j.id ${dir}`
    const page = total > MANY_MATCHES ? this.jobWhere(q, false).clause : clause
    const rows = this.db
      .prepare<Record<string, unknown>, JobRow>(`${JOB_SELECT} ${page} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset })
    return { total, rows }
  }

  statusCounts(): StatusCounts {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts
    for (const r of this.db.prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all())
      counts[r.status] = r.n
    return counts
  }

  /** Active jobs per model, for the run's ETA (eta.ts). */
  activeGroups(): ActiveGroup[] {
    return this.db
      .prepare<[], ActiveGroup>(
        `SELECT j.batch_id AS batchId, b.name AS batchName, j.provider, j.model, SUM(j.status IN (${sqlList(UNSENT_STATUSES)})) AS unsent, MAX(j.submitted_at) AS lastSubmittedAt
         FROM jobs j JOIN batches b ON b.id = j.batch_id WHERE j.status IN (${ACTIVE}) GROUP BY j.batch_id, j.provider, j.model`
      )
      .all()
  }

  insertAsset(a: NewAsset, now = Date.now()): number {
    this.stmts.insertAsset.run({ ...a, createdAt: now })
    return this.db.prepare('SELECT id FROM assets WHERE job_id = ? AND idx = ?').pluck().get(a.jobId, a.idx) as number
  }

  /** Files already saved for a job, by result index: a resumed download skips them. */
  savedFiles(jobId: number): Map<number, string> {
    const rows = this.db.prepare<[number], { idx: number; path: string }>('SELECT idx, path FROM assets WHERE job_id = ?').all(jobId)
    return new Map(rows.map((r) => [r.idx, r.path]))
  }

  assetsOfJob(jobId: number): Asset[] {
    return this.stmts.assetsOfJob.all(jobId).map(toAsset)
  }

  asset(id: number): (Asset & { thumbPath: string | null }) | undefined {
    const row = this.stmts.asset.get(id)
    return row && { ...toAsset(row), thumbPath: row.thumb_path }
  }

  setThumb(assetId: number, thumbPath: string): void {
    this.stmts.setThumb.run(thumbPath, assetId)
  }

  private galleryWhere(q: GalleryQuery): { clause: string; params: Record<string, unknown> } {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    const add = (sql: string, key: string, value: unknown) => {
      if (value === undefined) return
      where.push(sql)
      params[key] = value
    }
    add('j.batch_id = @batchId', 'batchId', q.batchId)
    add('j.provider = @provider', 'provider', q.provider)
    add('j.model = @model', 'model', q.model)
    add('a.created_at >= @from', 'from', q.from)
    add('a.created_at <= @to', 'to', q.to)
    add('a.favorite = @favorite', 'favorite', q.favorite === undefined ? undefined : q.favorite ? 1 : 0)
    add('a.rating >= @minRating', 'minRating', q.minRating || undefined)
    add('a.job_id IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH @fts)', 'fts', q.text ? (ftsQuery(q.text) ?? undefined) : undefined)
    const lineage = lineageCondition(q.lineage)
    if (lineage) where.push(lineage)
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
  }

  listGallery(q: GalleryQuery & { offset: number; limit: number }): { total: number; items: Asset[] } {
    const { clause, params } = this.galleryWhere(q)
    const total = this.db.prepare(`SELECT COUNT(*) FROM assets a JOIN jobs j ON j.id = a.job_id ${clause}`).pluck().get(params) as number
    const rows = this.db
      .prepare<Record<string, unknown>, AssetRow>(`${ASSET_SELECT} ${clause} ORDER BY a.id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset })
    return { total, items: rows.map(toAsset) }
  }

  /** Every asset a filter selects, oldest first (export). */
  galleryAssets(q: GalleryQuery): (Asset & { idx: number })[] {
    const { clause, params } = this.galleryWhere(q)
    return this.db
      .prepare<Record<string, unknown>, AssetRow & { idx: number }>(`${ASSET_SELECT} ${clause} ORDER BY a.id`)
      .all(params)
      .map((r) => ({ ...toAsset(r), idx: r.idx }))
  }

  assetsByIds(ids: number[]): (Asset & { idx: number })[] {
    const out: (Asset & { idx: number })[] = []
    const stmt = this.db.prepare<[number], AssetRow & { idx: number }>(`${ASSET_SELECT} WHERE a.id = ?`)
    for (const id of ids) {
      const r = stmt.get(id)
      if (r) out.push({ ...toAsset(r), idx: r.idx })
    }
    return out
  }

  setFavorite(ids: number[], favorite: boolean): number {
    const stmt = this.db.prepare('UPDATE assets SET favorite = ? WHERE id = ?')
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(favorite ? 1 : 0, id).changes, 0))()
  }

  setRating(ids: number[], rating: number): number {
    const stmt = this.db.prepare('UPDATE assets SET rating = ? WHERE id = ?')
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(rating, id).changes, 0))()
  }

  /** Marks assets whose file is gone (or back); returns how many are missing. */
  markMissing(check: (path: string) => boolean): { checked: number; missing: number } {
    const rows = this.db.prepare<[], { id: number; path: string }>('SELECT id, path FROM assets').all()
    const stmt = this.db.prepare('UPDATE assets SET missing = ? WHERE id = ?')
    let missing = 0
    this.db.transaction(() => {
      for (const r of rows) {
        const gone = !check(r.path)
        if (gone) missing++
        stmt.run(gone ? 1 : 0, r.id)
      }
    })()
    return { checked: rows.length, missing }
  }

  deleteJobs(ids: number[]): { deleted: number; files: string[] } {
    const files: string[] = []
    const paths = this.db.prepare<[number], { path: string; thumb_path: string | null }>('SELECT path, thumb_path FROM assets WHERE job_id = ?')
    const del = this.db.prepare('DELETE FROM jobs WHERE id = ?')
    const deleted = this.db
      .transaction(() =>
        ids.reduce((n, id) => {
          for (const p of paths.all(id)) files.push(p.path, ...(p.thumb_path ? [p.thumb_path] : []))
          return n + del.run(id).changes
        }, 0)
      )
      .immediate()
    return { deleted, files }
  }

  /** Status-changing history rows of the last hour, per provider (the status bar's error count). */
  recentErrors(since: number): Map<ProviderId, number> {
    const rows = this.db
      .prepare<[number], { provider: ProviderId; n: number }>(
        `SELECT j.provider, COUNT(*) AS n FROM job_events e JOIN jobs j ON j.id = e.job_id
         WHERE e.at >= ? AND e.type IN (${sqlList(ERROR_EVENT_TYPES)}) GROUP BY j.provider`
      )
      .all(since)
    return new Map(rows.map((r) => [r.provider, r.n]))
  }

  /** Batches whose jobs have all ended, with their outcome. */
  /** Whether a batch still has unfinished jobs: stops at the first (a batch of 97,000 queued is answered at once). */
  batchActive(batchId: number): boolean {
    return (
      this.db
        .prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE batch_id = ? AND status IN ('queued', 'submitting', 'running', 'downloading'))`)
        .pluck()
        .get(batchId) === 1
    )
  }

  batchOutcome(batchId: number): { name: string; active: number; done: number; failed: number } | undefined {
    return this.db
      .prepare<[number], { name: string; active: number; done: number; failed: number }>(
        `SELECT b.name,
           SUM(j.status IN (${ACTIVE})) AS active,
           SUM(j.status = 'done') AS done,
           SUM(j.status IN (${sqlList(FAILED_STATUSES)})) AS failed
         FROM batches b JOIN jobs j ON j.batch_id = b.id WHERE b.id = ? GROUP BY b.id`
      )
      .get(batchId)
  }

  listBatches(): Batch[] {
    return this.db
      .prepare<[], { id: number; name: string; output_dir: string; created_at: number; paused: number; job_count: number }>(
        'SELECT b.*, (SELECT COUNT(*) FROM jobs j WHERE j.batch_id = b.id) AS job_count FROM batches b ORDER BY b.id DESC'
      )
      .all()
      .map((b) => ({ id: b.id, name: b.name, outputDir: b.output_dir, createdAt: b.created_at, jobCount: b.job_count, paused: b.paused === 1 }))
  }

  setBatchPaused(batchId: number, paused: boolean): JobRow[] {
    this.db.prepare('UPDATE batches SET paused = ? WHERE id = ?').run(paused ? 1 : 0, batchId)
    return this.db.prepare<[number], JobRow>(`${JOB_SELECT} WHERE j.batch_id = ? AND j.status = 'queued'`).all(batchId)
  }

  /** How long this model's recent jobs took from submit to ready, newest first (ms). */
  recentDurations(provider: ProviderId, model: string): number[] {
    return this.stmts.durations.all(provider, model)
  }
}
