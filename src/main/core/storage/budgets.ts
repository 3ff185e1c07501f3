// Budget caps per batch, per provider and per day, in dollars or (per provider) credits, kept in the library
// (table `budgets`) so they survive restarts. `reserve` checks every cap that applies to a job and records
// its submit intent in ONE SQLite transaction: the ledger's hook marks the job's cost reserved inside the same
// transaction as the `submitting` write, so however many submits are in flight, the reserved total never
// passes a cap. Imports the ledger, the store and the shared pricing only.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { Budget, BudgetHold, BudgetScope } from '../../../shared/costs'
import { formatAmount, type Currency } from '../../../shared/pricing'
import { localDay, nextLocalDay, type Ledger } from './ledger'
import type { JobRow, NewJob, Store } from './store'

/** What reserve() answers when a cap is reached: the reason, and when to try again (a daily cap: tomorrow). */
export interface Capped {
  capped: string
  budget: Budget
  retryAt?: number
  /** A batch's cap: the batch's other queued jobs, which wait unscheduled with it. */
  unschedule?: number[]
}

/** The message every held job's history and the CLI carry begins with this. */
export const BUDGET_REACHED = 'Budget reached'

export class Budgets {
  private caps: Budget[]
  private readonly holds = new Map<string, BudgetHold>()

  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger
  ) {
    this.caps = this.read()
  }

  private read(): Budget[] {
    return this.store.sql.prepare<[], Budget>('SELECT scope, key, amount, currency FROM budgets ORDER BY scope, key').all()
  }

  list(): Budget[] {
    return this.caps.map((c) => ({ ...c }))
  }

  /** Sets (amount) or removes (null) a cap; lifts the holds it caused, so held jobs can be looked at again. */
  set(scope: BudgetScope, key: string, amount: number | null, currency: Currency = 'usd'): Budget[] {
    if (amount !== null && (!Number.isFinite(amount) || amount < 0)) throw new Error('A budget must be a positive amount')
    if (currency === 'credits' && scope !== 'provider') throw new Error('A budget in credits is per provider: each provider has its own credits')
    if (scope === 'day' && key !== '') throw new Error('The daily budget has no key')
    if (amount === null) this.store.sql.prepare('DELETE FROM budgets WHERE scope = ? AND key = ?').run(scope, key)
    else
      this.store.sql
        .prepare('INSERT OR REPLACE INTO budgets (scope, key, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(scope, key, amount, currency, Date.now())
    this.caps = this.read()
    this.holds.clear()
    return this.list()
  }

  /** Caps that apply to a job of this batch and provider. */
  applying(batchId: number, provider: ProviderId): Budget[] {
    return this.caps.filter((c) => (c.scope === 'batch' && c.key === String(batchId)) || (c.scope === 'provider' && c.key === provider) || c.scope === 'day')
  }

  /** Caps reached right now, with their reasons (status bar, queue, CLI). */
  currentHolds(): BudgetHold[] {
    return [...this.holds.values()]
  }

  /**
   * The submit intent (`intent`, which writes `submitting`) and the cost reservation, in one transaction: the
   * job goes out only if its estimate fits under every cap that applies, counting every job already reserved,
   * billed or possibly billed. A job of unknown price is not held (the user agreed to queue it under the cap).
   */
  reserve(row: JobRow, now: number, intent: () => boolean): boolean | Capped {
    const caps = this.applying(row.batch_id, row.provider)
    if (caps.length === 0) return intent()
    return this.store.sql
      .transaction((): boolean | Capped => {
        const cost = this.ledger.jobCost(row.id)
        for (const cap of caps) {
          const own = cap.currency === 'usd' ? (cost?.estimatedUsd ?? null) : cost?.currency === 'credits' ? cost.estimated : null
          if (own === null) continue
          const spent = this.ledger.spent(
            {
              batchId: cap.scope === 'batch' ? row.batch_id : undefined,
              provider: cap.scope === 'provider' ? row.provider : undefined,
              day: cap.scope === 'day' ? localDay(now) : undefined
            },
            cap.currency
          )
          // A hair of float noise must not hold the job that exactly fills the cap.
          if (spent + own > cap.amount + 1e-9) return this.hold(cap, row, spent, own, now)
        }
        const sent = intent()
        // Under every cap again (raised, a new day): what held submits before no longer does.
        if (sent) for (const cap of caps) this.holds.delete(`${cap.scope}:${cap.key}`)
        return sent
      })
      .immediate()
  }

  private hold(cap: Budget, row: JobRow, spent: number, own: number, now: number): Capped {
    const money = (n: number) => (cap.currency === 'usd' ? formatAmount(n, 'usd') : `${formatAmount(n, 'credits')}`)
    const whose = cap.scope === 'batch' ? `Batch “${row.batch_name}”` : cap.scope === 'provider' ? `${providerInfo(row.provider).label}` : 'Today'
    const capped = `${BUDGET_REACHED}: ${whose} has ${money(spent)} spent or reserved of its ${money(cap.amount)} cap, and the next job would cost ${money(own)}. New submits wait; jobs already sent go on`
    this.holds.set(`${cap.scope}:${cap.key}`, { ...cap, reason: capped, at: now })
    if (cap.scope === 'batch') {
      const unschedule = this.store.sql
        .prepare<[number, number], number>("SELECT id FROM jobs WHERE batch_id = ? AND status = 'queued' AND id != ?")
        .pluck()
        .all(row.batch_id, row.id)
      // Each waiting row says why (one statement, no history row each: the held job's history has it).
      this.store.sql
        .prepare("UPDATE jobs SET error = ?, updated_at = ? WHERE batch_id = ? AND status = 'queued' AND id != ?")
        .run(capped, now, row.batch_id, row.id)
      return { capped, budget: cap, unschedule }
    }
    return { capped, budget: cap, ...(cap.scope === 'day' ? { retryAt: nextLocalDay(now) } : {}) }
  }

  /**
   * Jobs about to be queued whose price is unknown while a cap applies to them: the caller asks the user
   * before queuing them (the cap cannot hold them back). Returns a sentence naming them, or null.
   */
  unknownUnderCap(
    batchId: number | null,
    jobs: readonly NewJob[],
    estimates: readonly { usd: number | null; amount: number | null }[],
    batchCap: Budget | null = null
  ): string | null {
    const unknown = new Map<string, number>()
    jobs.forEach((j, i) => {
      const caps = this.caps.filter(
        (c) => (c.scope === 'batch' && batchId !== null && c.key === String(batchId)) || (c.scope === 'provider' && c.key === j.provider) || c.scope === 'day'
      )
      if (batchCap) caps.push(batchCap)
      const e = estimates[i]
      if (caps.some((c) => (c.currency === 'usd' ? e.usd === null : e.amount === null)))
        unknown.set(`${providerInfo(j.provider).label} / ${j.model}`, (unknown.get(`${providerInfo(j.provider).label} / ${j.model}`) ?? 0) + 1)
    })
    if (unknown.size === 0) return null
    const list = [...unknown].map(([name, n]) => `${name} (${n} job${n === 1 ? '' : 's'})`).join(', ')
    return `A budget applies, but these have no known price, so the budget cannot hold them back: ${list}. Queue them anyway?`
  }
}
