// The cost ledger: one row per job (job_costs) with its estimate, the provider's own figure where it reports
// one, and where the cost stands (CostState). The estimate is written with the jobs when they are queued; every
// later change is written by a hook inside the job's own transition transaction (Store.onTransition), so a
// crash can never leave a job's status and its cost telling different stories. Imports the store and the
// shared pricing only.
import type { ProviderId } from '../../../shared/catalogue'
import type { CostReport, CostState, CostSummary, JobCost } from '../../../shared/costs'
import { addEstimate, BILLING, estimateJob, type CostTotals, type Currency, type FailureBilling, type PriceEntry } from '../../../shared/pricing'
import type { Statement } from 'better-sqlite3'
import type { JobPatch, NewJob, Store } from './store'

/** The local calendar day of a moment, YYYY-MM-DD: daily budgets and totals go by the user's day. */
export function localDay(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The first moment of the next local day. */
export function nextLocalDay(at: number): number {
  const d = new Date(at)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime()
}

interface CostRow {
  job_id: number
  currency: Currency | null
  estimated: number | null
  estimated_usd: number | null
  billed: number | null
  billed_usd: number | null
  prior: number
  prior_usd: number
  state: CostState
  day: string | null
}

/** States whose cost counts as spent or possibly spent (and so against budgets). */
export const COUNTED_STATES: readonly CostState[] = ['reserved', 'billed', 'possibly']

const toState: Record<FailureBilling, CostState> = { billed: 'billed', not_billed: 'not_billed', unknown: 'possibly' }

export class Ledger {
  private readonly update: (sql: string) => Statement

  constructor(private readonly store: Store) {
    const db = store.sql
    this.update = (sql: string) => db.prepare(`UPDATE job_costs SET ${sql}, updated_at = @now WHERE job_id = @id`)
    store.onTransition.push((id, patch, now) => this.transitioned(id, patch, now))
  }

  /** Writes the estimate of newly inserted jobs (call inside the transaction that inserts them). */
  estimateQueued(ids: number[], jobs: NewJob[], table: readonly PriceEntry[], now = Date.now()): void {
    const insert = this.store.sql.prepare('INSERT OR REPLACE INTO job_costs (job_id, currency, estimated, estimated_usd, updated_at) VALUES (?, ?, ?, ?, ?)')
    ids.forEach((id, i) => {
      const e = estimateJob(table, jobs[i].provider, jobs[i].model, jobs[i].params)
      insert.run(id, e.amount === null ? null : e.currency, e.amount, e.usd, now)
    })
  }

  private transitioned(id: number, patch: JobPatch, now: number): void {
    const p = { id, now }
    switch (patch.status) {
      case 'submitting':
        // The reservation: from the submit intent on, the job's cost counts against every cap that applies.
        return void this.update("state = 'reserved', day = @day, billed = NULL, billed_usd = NULL").run({ ...p, day: localDay(now) })
      case 'queued':
        // Back in the queue (not accepted, or retried by the user): what an earlier attempt billed is kept apart.
        return void this.update(
          `prior = prior + CASE WHEN state IN ('billed', 'possibly') THEN COALESCE(billed, estimated, 0) ELSE 0 END,
           prior_usd = prior_usd + CASE WHEN state IN ('billed', 'possibly') THEN COALESCE(billed_usd, estimated_usd, 0) ELSE 0 END,
           state = 'estimated', day = NULL, billed = NULL, billed_usd = NULL`
        ).run(p)
      case 'running':
        return this.accepted(id, patch, now)
      case 'downloading':
      case 'done':
        return void this.update("state = 'billed'").run(p)
      case 'needs_attention':
        return void this.update("state = CASE WHEN state = 'billed' THEN 'billed' ELSE 'possibly' END").run(p)
      case 'failed':
      case 'canceled':
        return void this.update('state = @state').run({ ...p, state: this.endedState(id, patch) })
    }
  }

  /** Accepted: where the provider said what the job costs (BFL's `cost`, kept in the job's ref), that figure is the billed one. */
  private accepted(id: number, patch: JobPatch, now: number): void {
    const row = this.store.job(id)
    const ref = patch.provider_ref_json ? (JSON.parse(patch.provider_ref_json) as { cost?: unknown }) : null
    const cost = ref && typeof ref.cost === 'number' && Number.isFinite(ref.cost) && ref.cost >= 0 ? ref.cost : null
    if (!row || cost === null) return
    const billing = BILLING[row.provider]
    const usd = billing.currency === 'usd' ? cost : billing.usdPerCredit !== null ? Math.round(cost * billing.usdPerCredit * 1e6) / 1e6 : null
    this.update("state = 'billed', billed = @cost, billed_usd = @usd, currency = COALESCE(currency, @currency)").run({
      id,
      now,
      cost,
      usd,
      currency: billing.currency
    })
  }

  /** A failed or canceled job: never accepted → not billed; made (failed while downloading) → billed; otherwise the provider's rule. */
  private endedState(id: number, patch: JobPatch): CostState {
    const row = this.store.job(id)
    if (!row || (row.provider_job_id === null && row.ready_at === null)) return 'not_billed'
    if (row.ready_at !== null) return 'billed'
    const billing = BILLING[row.provider]
    // Canceled while at the provider: it may still finish and bill it.
    if (patch.status === 'canceled') return 'possibly'
    const moderated = /moderat/i.test(`${patch.raw_status ?? row.raw_status ?? ''} ${patch.error ?? ''}`)
    return toState[moderated ? billing.moderated : billing.failed]
  }

  jobCost(id: number): JobCost | null {
    const r = this.store.sql.prepare<[number], CostRow>('SELECT * FROM job_costs WHERE job_id = ?').get(id)
    return r
      ? {
          state: r.state,
          currency: r.currency,
          estimated: r.estimated,
          estimatedUsd: r.estimated_usd,
          billed: r.billed,
          billedUsd: r.billed_usd,
          prior: r.prior,
          priorUsd: r.prior_usd,
          day: r.day
        }
      : null
  }

  /**
   * What has been spent (or reserved) in a scope, in one currency: the sum over jobs whose cost counts of the
   * provider's figure, else the estimate, plus earlier attempts. Jobs of unknown price add nothing.
   */
  spent(scope: { batchId?: number; provider?: ProviderId; day?: string }, currency: Currency): number {
    const where = [`c.state IN (${COUNTED_STATES.map((s) => `'${s}'`).join(', ')})`]
    if (scope.batchId !== undefined) where.push('j.batch_id = @batchId')
    if (scope.provider !== undefined) where.push('j.provider = @provider')
    if (scope.day !== undefined) where.push('c.day = @day')
    const amount =
      currency === 'usd' ? 'COALESCE(c.billed_usd, c.estimated_usd, 0)' : "CASE WHEN c.currency = 'credits' THEN COALESCE(c.billed, c.estimated, 0) ELSE 0 END"
    const prior = currency === 'usd' ? 'c.prior_usd' : "CASE WHEN c.currency = 'credits' THEN c.prior ELSE 0 END"
    const sql = `SELECT COALESCE(SUM(${amount}), 0) + (SELECT COALESCE(SUM(${prior}), 0) FROM job_costs c JOIN jobs j ON j.id = c.job_id WHERE ${where.slice(1).join(' AND ') || '1'})
      FROM job_costs c JOIN jobs j ON j.id = c.job_id WHERE ${where.join(' AND ')}`
    return this.store.sql.prepare(sql).pluck().get({ batchId: scope.batchId, provider: scope.provider, day: scope.day }) as number
  }

  /** Totals per batch, provider, model and day, over all jobs or those of a filter. */
  report(filter: { batchId?: number; provider?: ProviderId; model?: string; jobIds?: number[] } = {}): CostReport {
    const where: string[] = []
    if (filter.batchId !== undefined) where.push('j.batch_id = @batchId')
    if (filter.provider !== undefined) where.push('j.provider = @provider')
    if (filter.model !== undefined) where.push('j.model = @model')
    if (filter.jobIds !== undefined) where.push('j.id IN (SELECT value FROM json_each(@jobIds))')
    const rows = this.store.sql
      .prepare<Record<string, unknown>, CostRow & { batch_id: number; batch_name: string; provider: ProviderId; model: string }>(
        `SELECT c.*, j.batch_id, b.name AS batch_name, j.provider, j.model FROM job_costs c JOIN jobs j ON j.id = c.job_id JOIN batches b ON b.id = j.batch_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`
      )
      .all({ batchId: filter.batchId, provider: filter.provider, model: filter.model, jobIds: filter.jobIds ? JSON.stringify(filter.jobIds) : undefined })
    const report: CostReport = { total: emptySummary(), byBatch: [], byProvider: [], byModel: [], byDay: [] }
    const batches = new Map<number, CostReport['byBatch'][number]>()
    const providers = new Map<string, CostReport['byProvider'][number]>()
    const models = new Map<string, CostReport['byModel'][number]>()
    const days = new Map<string, CostReport['byDay'][number]>()
    const get = <T extends CostSummary>(map: Map<string | number, T>, key: string | number, make: () => T): T => {
      let s = map.get(key)
      if (!s) map.set(key, (s = make()))
      return s
    }
    for (const r of rows) {
      const targets = [
        report.total,
        get(batches as Map<string | number, CostReport['byBatch'][number]>, r.batch_id, () => ({ ...emptySummary(), batchId: r.batch_id, name: r.batch_name })),
        get(providers as Map<string | number, CostReport['byProvider'][number]>, r.provider, () => ({ ...emptySummary(), provider: r.provider })),
        get(models as Map<string | number, CostReport['byModel'][number]>, `${r.provider}/${r.model}`, () => ({
          ...emptySummary(),
          provider: r.provider,
          model: r.model
        })),
        get(days as Map<string | number, CostReport['byDay'][number]>, r.day ?? 'not sent', () => ({ ...emptySummary(), day: r.day ?? 'not sent' }))
      ]
      for (const s of targets) addRow(s, r.provider, r)
    }
    report.byBatch = [...batches.values()].sort((a, b) => b.batchId - a.batchId)
    report.byProvider = [...providers.values()]
    report.byModel = [...models.values()]
    report.byDay = [...days.values()].sort((a, b) => b.day.localeCompare(a.day))
    return report
  }
}

/** Totals of jobs whose costs were read already (an export's manifest). */
export function summarize(jobs: readonly { provider: ProviderId; cost: JobCost }[]): CostSummary {
  const s = emptySummary()
  for (const { provider, cost: c } of jobs) {
    addRow(s, provider, {
      job_id: 0,
      currency: c.currency,
      estimated: c.estimated,
      estimated_usd: c.estimatedUsd,
      billed: c.billed,
      billed_usd: c.billedUsd,
      prior: c.prior,
      prior_usd: c.priorUsd,
      state: c.state,
      day: c.day
    })
  }
  return s
}

export function emptySummary(): CostSummary {
  return { jobs: 0, estimated: emptyTotals(), spent: emptyTotals(), possibly: emptyTotals(), unknown: 0 }
}

function emptyTotals(): CostTotals {
  return { usd: 0, credits: {} }
}

function addRow(s: CostSummary, provider: ProviderId, r: CostRow): void {
  s.jobs++
  const estimate = { amount: r.estimated, currency: r.currency, usd: r.estimated_usd }
  if (!addEstimate(s.estimated, provider, estimate) && r.billed === null) s.unknown++
  const cost = r.billed !== null ? { amount: r.billed, currency: r.currency, usd: r.billed_usd } : estimate
  if (r.state === 'billed') addEstimate(s.spent, provider, cost)
  else if (r.state === 'reserved' || r.state === 'possibly') addEstimate(s.possibly, provider, cost)
  // Earlier attempts retried by the user may have been billed: counted as possibly spent.
  if (r.prior > 0 || r.prior_usd > 0) addEstimate(s.possibly, provider, { amount: r.prior, currency: r.currency, usd: r.prior_usd > 0 ? r.prior_usd : null })
}
