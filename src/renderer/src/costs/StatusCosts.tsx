// The status bar's cost items: a budget cap holding back new submits (with its reason, like a paused
// provider), and the balances last read from providers that report one.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { Stats } from '../../../shared/contract'
import { formatAmount } from '../../../shared/pricing'
import { ExtraIcon } from '../queue/ExtraIcon'

export function StatusCosts({ stats }: { stats: Stats | null }) {
  if (!stats) return null
  const balances = Object.entries(stats.balances ?? {}) as [ProviderId, NonNullable<Stats['balances'][ProviderId]>][]
  return (
    <>
      {(stats.budgetHolds ?? []).map((h) => (
        <span key={`${h.scope}:${h.key}`} className="paused-provider budget-hold" role="status" data-testid="budget-hold">
          <ExtraIcon name="pause" size={12} />
          <span className="paused-text" title={h.reason}>
            {h.reason}
          </span>
        </span>
      ))}
      {balances.map(([provider, b]) => (
        <span
          key={provider}
          className="status-balance"
          data-testid="status-balance"
          title={`${providerInfo(provider).label}’s balance, read ${new Date(b.at).toLocaleTimeString()}`}
        >
          {providerInfo(provider).label.replace(/ \(.*\)$/, '')} <strong>{formatAmount(b.amount, b.currency)}</strong>
        </span>
      ))}
    </>
  )
}
