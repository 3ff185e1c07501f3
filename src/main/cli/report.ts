// What the CLI shows: the progress bar (stderr, on a terminal), waiting for a set of jobs to end, and the
// final report (a short summary, or one JSON object as the last line of stdout).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { providerInfo, type ProviderId } from '../../shared/catalogue'
import { ACTIVE_STATUSES, JOB_STATUSES, TERMINAL_STATUSES, type JobStatus, type StatusCounts } from '../../shared/contract'
import type { Core } from '../core/core'
import type { Store } from '../core/storage/store'

export interface JobReport {
  id: number
  provider: ProviderId
  model: string
  prompt: string
  status: JobStatus
  /** Absolute paths of the job's files. */
  files: string[]
  error: string | null
}

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts
}

/** Status counts of some jobs, per provider. */
export function countsOf(store: Store, ids: number[]): { total: StatusCounts; activeProviders: ProviderId[] } {
  const total = emptyCounts()
  const active = new Set<ProviderId>()
  for (const r of store.countsByProvider(ids)) {
    total[r.status] += r.n
    if (ACTIVE_STATUSES.includes(r.status)) active.add(r.provider)
  }
  return { total, activeProviders: [...active] }
}

export function ended(c: StatusCounts): number {
  return TERMINAL_STATUSES.reduce((n, s) => n + c[s], 0)
}

export function active(c: StatusCounts): number {
  return ACTIVE_STATUSES.reduce((n, s) => n + c[s], 0)
}

/** Reports of the given jobs (in id order); a done job whose files are gone from disk gets an error. */
export function reportJobs(store: Store, ids: number[]): JobReport[] {
  const reports: JobReport[] = []
  for (const id of [...ids].sort((a, b) => a - b)) {
    const row = store.job(id)
    if (!row) continue
    const paths = store.filePaths(id).map((f) => resolve(f))
    let error = row.error
    if (row.status === 'done') {
      const missing = paths.filter((p) => !existsSync(p))
      if (paths.length === 0) error = 'done, but no file was saved'
      else if (missing.length) error = `file${missing.length > 1 ? 's' : ''} missing on disk: ${missing.join(', ')}`
    }
    reports.push({ id: row.id, provider: row.provider, model: row.model, prompt: row.prompt, status: row.status, files: paths, error })
  }
  return reports
}

/** Every job done with its files on disk. */
export function allGood(jobs: JobReport[]): boolean {
  return jobs.every((j) => j.status === 'done' && j.error === null)
}

export function excerpt(prompt: string, max = 40): string {
  const flat = prompt.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

export function countsLine(c: StatusCounts): string {
  const parts = JOB_STATUSES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s.replace('_', ' ')}`)
  return parts.length ? parts.join(', ') : 'none'
}

/** A one-line progress bar redrawn in place on a terminal; a line every 10 s elsewhere (logs). */
export class Progress {
  private drawn = false
  private lastPlain = 0
  private lastLine = ''

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly label: string
  ) {}

  get tty(): boolean {
    return Boolean(this.stream.isTTY)
  }

  update(c: StatusCounts): void {
    const end = ended(c)
    const pct = this.total ? Math.floor((end / this.total) * 100) : 100
    const running = c.submitting + c.running + c.downloading
    const bad = c.failed + c.canceled + c.needs_attention
    const stats = `${String(pct).padStart(3)}% ${end}/${this.total} · ${c.done} done · ${bad} failed · ${running} running · ${c.queued} queued`
    if (this.tty) {
      const columns = this.stream.columns || 80
      const width = Math.max(10, Math.min(30, columns - stats.length - this.label.length - 6))
      const fill = this.total ? Math.round((end / this.total) * width) : width
      let line = `${this.label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${stats}`
      if (line.length > columns - 1) line = line.slice(0, columns - 1)
      if (line === this.lastLine) return
      this.lastLine = line
      this.stream.write(`\r\x1b[2K${line}`)
      this.drawn = true
    } else if (Date.now() - this.lastPlain >= 10_000) {
      this.lastPlain = Date.now()
      this.stream.write(`${this.label}: ${stats}\n`)
    }
  }

  /** Clears the bar so that the next line starts clean. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K')
    this.drawn = false
    this.lastLine = ''
  }
}

export type WaitOutcome =
  | { kind: 'ended' }
  | { kind: 'stopped'; signal: string }
  | { kind: 'paused'; provider: ProviderId; reason: string }
  | { kind: 'stuck'; waiting: number }
  | { kind: 'capped'; reason: string }

/**
 * Waits until every one of `ids` has ended. Also returns when a provider they need is paused (bad key, no
 * credits: they would wait forever), when the poller has nothing left to do while some still wait (e.g.
 * their batch was paused in the app), or when `signal` is aborted.
 */
export async function waitForJobs(
  core: Core,
  ids: number[],
  o: { signal: AbortSignal; onTick?: (c: StatusCounts) => void; intervalMs?: number }
): Promise<WaitOutcome> {
  let idleTicks = 0
  for (;;) {
    if (o.signal.aborted) return { kind: 'stopped', signal: String(o.signal.reason ?? 'SIGINT') }
    const { total, activeProviders } = countsOf(core.store, ids)
    o.onTick?.(total)
    if (active(total) === 0) return { kind: 'ended' }
    for (const provider of activeProviders) {
      const reason = core.poller.pausedReason(provider)
      if (reason) return { kind: 'paused', provider, reason }
    }
    // A budget holds the rest back: nothing is in flight and only held jobs wait.
    const hold = core.costs.budgets.currentHolds()[0]
    if (hold && total.submitting + total.running + total.downloading === 0) return { kind: 'capped', reason: hold.reason }
    const stats = core.poller.stats()
    idleTicks = stats.scheduled === 0 && stats.inFlight === 0 ? idleTicks + 1 : 0
    if (idleTicks >= 3) return { kind: 'stuck', waiting: active(total) }
    await new Promise<void>((r) => {
      const timer = setTimeout(done, o.intervalMs ?? 200)
      function done() {
        clearTimeout(timer)
        o.signal.removeEventListener('abort', done)
        r()
      }
      o.signal.addEventListener('abort', done, { once: true })
    })
  }
}

export function outcomeMessage(o: WaitOutcome): string | null {
  switch (o.kind) {
    case 'ended':
    case 'stopped':
      return null
    case 'paused':
      return `${providerInfo(o.provider).label} is paused: ${o.reason}. Its jobs are kept; fix the key or account, then run \`batch-studio resume\``
    case 'capped':
      return `${o.reason.replace(/\. New submits wait; jobs already sent go on$/, '')}. The unsent jobs are kept queued: raise the budget in the app (Settings → Budgets), then run \`batch-studio resume\``
    case 'stuck':
      return `${o.waiting} job${o.waiting === 1 ? '' : 's'} cannot go on (is the batch paused in the app?); resume the batch in the app, then run \`batch-studio resume\``
  }
}

/** The human summary: counts, where the files are, and the jobs that did not end well. */
export function summary(jobs: JobReport[], extra: { outputDirs?: string[] } = {}): string {
  const counts = emptyCounts()
  for (const j of jobs) counts[j.status]++
  const lines = [`${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${countsLine(counts)}`]
  const dirs = [...new Set(extra.outputDirs ?? [])]
  if (dirs.length === 1) lines.push(`Files in ${dirs[0]}`)
  else if (dirs.length > 1) lines.push('Files in:', ...dirs.map((d) => `  ${d}`))
  const bad = jobs.filter((j) => j.status !== 'done' || j.error !== null)
  if (bad.length) {
    lines.push('Not done:')
    for (const j of bad.slice(0, 20))
      lines.push(`  #${j.id} ${j.status.replace('_', ' ')}  "${excerpt(j.prompt)}"${j.error ? ` — ${excerpt(j.error, 160)}` : ''}`)
    if (bad.length > 20) lines.push(`  … and ${bad.length - 20} more (batch-studio status)`)
  }
  return lines.join('\n')
}
