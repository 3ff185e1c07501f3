// What the CLI says about costs: the run's estimate before anything is queued (and for --dry-run), and the
// ledger's totals after a run and in `status`. The figures come from the same shared pricing the app uses.
import { providerInfo } from '../../shared/catalogue'
import type { CostSummary } from '../../shared/costs'
import { estimateJobs, formatTotals, type MatrixEstimate, type PriceEntry } from '../../shared/pricing'
import type { QueueRequest } from '../../shared/contract'
import type { ProviderId } from '../../shared/catalogue'

/** The estimate of the queue calls a run makes (each call: its prompts × its count, on one provider and model). */
export function estimateRun(requests: readonly (QueueRequest & { provider: ProviderId; model?: string })[], table: readonly PriceEntry[]): MatrixEstimate {
  return estimateJobs(
    table,
    requests.map((r) => ({
      provider: r.provider,
      model: r.model ?? providerInfo(r.provider).models[0].id,
      params: r.params ?? {},
      jobs: r.prompts.length * (r.count ?? 1)
    }))
  )
}

/** "240 jobs ≈ $7.20; unknown price: UMRGEN / default (12 jobs)". */
export function estimateLine(e: MatrixEstimate): string {
  const priced = e.jobs - e.unknown.reduce((n, u) => n + u.jobs, 0)
  const total = priced > 0 ? `≈ ${formatTotals(e.totals)}` : 'cost unknown'
  const unknown = e.unknown.length
    ? `; unknown price (not counted): ${e.unknown.map((u) => `${providerInfo(u.provider).label} / ${u.model} (${u.jobs} job${u.jobs === 1 ? '' : 's'})`).join(', ')}`
    : ''
  return `Estimated cost: ${e.jobs} job${e.jobs === 1 ? '' : 's'} ${total}${unknown}`
}

/** "spent $1.20, possibly $0.06 more (in flight or needing attention), 3 jobs of unknown price". */
export function costLine(s: CostSummary): string {
  const parts = [`spent ${formatTotals(s.spent)}`]
  if (s.possibly.usd > 0 || Object.keys(s.possibly.credits).length)
    parts.push(`possibly ${formatTotals(s.possibly)} more (in flight, needing attention, or failed where the provider may bill)`)
  if (s.unknown) parts.push(`${s.unknown} job${s.unknown === 1 ? '' : 's'} of unknown price`)
  return `Cost: ${parts.join(', ')}; estimated for all ${s.jobs}: ${formatTotals(s.estimated)}`
}
