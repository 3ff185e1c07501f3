// Costs in the renderer: the composer's estimate (this file), the Queue's totals (QueueCosts), a job's cost
// in its drawer (JobCostFacts) and the status bar's budget holds and balances (StatusCosts). They compute
// with the shared pricing (src/shared/pricing.ts) and read the ledger through the bridge; they import
// nothing from main.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { Budget } from '../../../shared/costs'
import { estimateJobs, formatTotals, formatUsd, type MatrixEstimate, type PriceEntry } from '../../../shared/pricing'
import { plural } from '../format'
import { modelName } from '../modelNames'
import '../styles/costs.css'

export interface EstimateGroup {
  provider: ProviderId
  model: string
  params: Record<string, unknown>
  jobs: number
}

/** The matrix's estimate from the price table in settings (null until settings are loaded). */
export function estimateGroups(prices: readonly PriceEntry[] | undefined, groups: readonly EstimateGroup[]): MatrixEstimate | null {
  return prices ? estimateJobs(prices, groups) : null
}

/** The budgets that would apply to a new batch on these providers: the day's, each provider's, and the one typed in. */
export function applyingBudgets(budgets: readonly Budget[], providers: readonly ProviderId[], batchBudget: number | null): string[] {
  const out = budgets
    .filter((b) => b.scope === 'day' || (b.scope === 'provider' && providers.includes(b.key as ProviderId)))
    .map((b) =>
      b.scope === 'day'
        ? `today’s ${formatUsd(b.amount)}`
        : `${providerInfo(b.key as ProviderId).label}’s ${b.currency === 'usd' ? formatUsd(b.amount) : `${b.amount} credits`}`
    )
  if (batchBudget !== null) out.unshift(`this batch’s ${formatUsd(batchBudget)}`)
  return out
}

/** "240 jobs ≈ $7.20", the models whose price is unknown named, and the budget line under it. */
export function CostEstimate({ estimate, budgets }: { estimate: MatrixEstimate | null; budgets: string[] }) {
  if (!estimate || estimate.jobs === 0) return null
  const unknownJobs = estimate.unknown.reduce((n, u) => n + u.jobs, 0)
  const priced = estimate.jobs - unknownJobs
  return (
    <div className="cost-estimate" data-testid="cost-estimate" aria-live="polite">
      <p>
        {plural(estimate.jobs, 'job')} {priced > 0 ? <strong>≈ {formatTotals(estimate.totals)}</strong> : <strong>cost unknown</strong>}
        {priced > 0 && unknownJobs > 0 && <span className="muted"> for {plural(priced, 'priced job')}</span>}
      </p>
      {estimate.unknown.length > 0 && (
        <p className="cost-unknown" data-testid="cost-unknown">
          Unknown price, not counted:{' '}
          {estimate.unknown.map((u, i) => (
            <span key={`${u.provider}/${u.model}`} title={u.reason}>
              {i > 0 && ', '}
              {providerInfo(u.provider).label} / {modelName(u.provider, u.model)} ({plural(u.jobs, 'job')})
            </span>
          ))}
        </p>
      )}
      {budgets.length > 0 && <p className="muted">Budget: {budgets.join(', ')}. No job is sent past it.</p>}
    </div>
  )
}
