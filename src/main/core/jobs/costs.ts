// Costs as one service for the core: the price table (defaults with the user's edits from settings), the
// ledger, the budgets and the balances last read from the providers. The core makes thin calls into it: when
// jobs are queued, when a submit is about to go out (Budgets.reserve, through the poller), for settings,
// stats and the contract's cost methods. Imports the ledger, the budgets, the store and the shared pricing.
import type { ProviderId } from '../../../shared/catalogue'
import type { Balance, Budget, BudgetScope } from '../../../shared/costs'
import { BILLING, estimateJob, priceTable, type Currency, type PriceEntry, type PriceOverride } from '../../../shared/pricing'
import { BUDGET_REACHED, Budgets } from '../storage/budgets'
import { Ledger } from '../storage/ledger'
import type { ProviderAdapter } from '../providers/types'
import type { JobRow, NewJob, Store } from '../storage/store'

export class Costs {
  readonly ledger: Ledger
  readonly budgets: Budgets
  private readonly balances = new Map<ProviderId, Balance>()
  private lastHold: string | null = null

  constructor(
    private readonly store: Store,
    private readonly overrides: () => Record<string, PriceOverride | null>
  ) {
    this.ledger = new Ledger(store)
    this.budgets = new Budgets(store, this.ledger)
  }

  table(): PriceEntry[] {
    return priceTable(this.overrides())
  }

  /**
   * Before jobs are queued: when a budget applies (the batch's own, given with the call, included) and some
   * of them have no known price, refuses with a question unless the user already agreed.
   */
  checkQueue(batchId: number | null, jobs: NewJob[], batchBudget: { amount: number; currency: Currency } | undefined, allowUnknown: boolean): void {
    if (allowUnknown) return
    const table = this.table()
    const question = this.budgets.unknownUnderCap(
      batchId,
      jobs,
      jobs.map((j) => estimateJob(table, j.provider, j.model, j.params)),
      batchBudget ? { scope: 'batch', key: '', ...batchBudget } : null
    )
    if (question) throw new Error(question)
  }

  /** Inside the transaction that inserts the jobs: their estimates, and the batch's cap given with them (before any submit can run). */
  queued<T extends { batchId: number; jobIds: number[] }>(inserted: T, jobs: NewJob[], batchBudget?: { amount: number; currency: Currency }): T {
    if (batchBudget) this.budgets.set('batch', String(inserted.batchId), batchBudget.amount, batchBudget.currency)
    this.ledger.estimateQueued(inserted.jobIds, jobs, this.table())
    return inserted
  }

  setBudget(scope: BudgetScope, key: string, amount: number | null, currency: Currency): Budget[] {
    const budgets = this.budgets.set(scope, key, amount, currency)
    this.lastHold = null
    return budgets
  }

  /** Queued jobs a budget may have held back (a batch's: all its queued jobs wait unscheduled), to look at again after a budget changed. */
  heldJobs(scope: BudgetScope, key: string): JobRow[] {
    const ids = this.store.heldJobIds(scope === 'batch' ? 'batch' : 'other', key, BUDGET_REACHED)
    return ids.map((id) => this.store.job(id)).filter((r) => r !== undefined)
  }

  /** True the first time a hold's reason is seen (the core tells the user once, not per job). */
  noteHold(reason: string): boolean {
    if (this.lastHold === reason) return false
    this.lastHold = reason
    return true
  }

  async refreshBalance(provider: ProviderId, adapter: ProviderAdapter): Promise<Balance | null> {
    if (!adapter.balance) return null
    const b = await adapter.balance()
    const balance = { ...b, at: Date.now() }
    this.balances.set(provider, balance)
    return balance
  }

  settingsPart(): { prices: PriceEntry[]; billing: typeof BILLING; budgets: Budget[]; balances: Partial<Record<ProviderId, Balance>> } {
    return { prices: this.table(), billing: BILLING, budgets: this.budgets.list(), balances: Object.fromEntries(this.balances) }
  }

  statsPart() {
    return { budgetHolds: this.budgets.currentHolds(), balances: Object.fromEntries(this.balances) as Partial<Record<ProviderId, Balance>> }
  }
}

/** Settings' stored price edits after a patch: a value sets a key's price, null restores (or removes) it. */
export function mergePrices(
  current: Record<string, PriceOverride | null> | undefined,
  patch: Record<string, PriceOverride | null>
): Record<string, PriceOverride | null> {
  const next = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key]
    else next[key] = value
  }
  return next
}
