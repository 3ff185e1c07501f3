// A job's cost in its drawer: the estimate, the provider's own figure where it reported one, and where the
// cost stands (reserved while sent, billed, possibly billed, not billed).
import type { CostState, JobCost } from '../../../shared/costs'
import { formatAmount, formatUsd } from '../../../shared/pricing'

const STATE_WORDS: Record<CostState, string> = {
  estimated: 'not sent yet',
  reserved: 'reserved against budgets (sent)',
  billed: 'billed',
  possibly: 'possibly billed',
  not_billed: 'not billed'
}

function money(amount: number | null, usd: number | null, currency: JobCost['currency']): string {
  if (amount === null || currency === null) return 'unknown'
  return currency === 'credits' && usd !== null ? `${formatAmount(amount, 'credits')} (${formatUsd(usd)})` : formatAmount(amount, currency)
}

export function JobCostFacts({ cost }: { cost: JobCost | null | undefined }) {
  if (cost === undefined) return null
  return (
    <>
      <dt>Cost</dt>
      <dd data-testid="job-cost">
        {cost === null ? (
          'unknown'
        ) : (
          <>
            {money(cost.billed ?? cost.estimated, cost.billed !== null ? cost.billedUsd : cost.estimatedUsd, cost.currency)} · {STATE_WORDS[cost.state]}
            {cost.billed !== null && (
              <span className="muted"> · the provider’s figure (estimated {money(cost.estimated, cost.estimatedUsd, cost.currency)})</span>
            )}
            {(cost.prior > 0 || cost.priorUsd > 0) && (
              <span className="muted"> · earlier attempts possibly billed {money(cost.prior, cost.priorUsd || null, cost.currency)}</span>
            )}
          </>
        )}
      </dd>
    </>
  )
}
