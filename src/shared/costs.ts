// The shapes of costs as the renderer and the CLI see them: one job's ledger row, totals per batch,
// provider, model and day, budgets and what they hold back, and account balances. Plain types (no zod), so
// the renderer imports them freely; the contract (contract.ts) validates the arguments that change them.
import type { ProviderId } from './catalogue'
import type { CostTotals, Currency } from './pricing'

/**
 * Where a job's cost stands: `estimated` (not sent), `reserved` (sent or being sent: counted against budgets),
 * `billed` (the provider made it, or said what it costs), `possibly` (needs attention, or a failure the
 * provider may bill), `not_billed` (never accepted, or a failure the provider does not bill).
 */
export const COST_STATES = ['estimated', 'reserved', 'billed', 'possibly', 'not_billed'] as const
export type CostState = (typeof COST_STATES)[number]

export interface JobCost {
  state: CostState
  currency: Currency | null
  /** In `currency`; null = unknown price. */
  estimated: number | null
  estimatedUsd: number | null
  /** The provider's own figure (BFL's submit `cost`), where it reports one. */
  billed: number | null
  billedUsd: number | null
  /** What earlier attempts of this job (retried after a failure) billed or may have billed. */
  prior: number
  priorUsd: number
  /** The day its submit intent was recorded (YYYY-MM-DD, local time). */
  day: string | null
}

/** Totals of a set of jobs. `spent` counts billed jobs; `possibly` those in flight, needing attention, or failed where the provider may bill. */
export interface CostSummary {
  jobs: number
  /** Every job's estimate (what the whole set costs if every job is made once). */
  estimated: CostTotals
  spent: CostTotals
  possibly: CostTotals
  /** Jobs whose price is unknown (they count in no total). */
  unknown: number
}

export interface CostReport {
  total: CostSummary
  byBatch: (CostSummary & { batchId: number; name: string })[]
  byProvider: (CostSummary & { provider: ProviderId })[]
  byModel: (CostSummary & { provider: ProviderId; model: string })[]
  /** By the day jobs were sent ("not sent" for jobs still waiting). */
  byDay: (CostSummary & { day: string })[]
}

export const BUDGET_SCOPES = ['batch', 'provider', 'day'] as const
export type BudgetScope = (typeof BUDGET_SCOPES)[number]

/** A cap: per batch (key: its id), per provider (key: its id) or per day (key: ""). Credits only per provider. */
export interface Budget {
  scope: BudgetScope
  key: string
  amount: number
  currency: Currency
}

/** A cap that held back submits, with the reason shown in the status bar, the queue and the job's history. */
export interface BudgetHold extends Budget {
  reason: string
  at: number
}

export interface Balance {
  amount: number
  currency: Currency
  at: number
}
