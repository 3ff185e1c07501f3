// The Queue's cost line for what it shows (all jobs, or the batch, provider or model filtered to): spent,
// possibly spent (in flight, needing attention, failures the provider may bill), the estimate of every job,
// and how many have no known price; and a breakdown per batch (the 20 newest), provider, model and day on demand.
import { useCallback, useEffect, useState } from 'react'
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { CostReport, CostSummary } from '../../../shared/costs'
import { formatTotals } from '../../../shared/pricing'
import { getBridge } from '../bridge'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { useThrottled } from '../hooks/useThrottled'
import { modelName } from '../modelNames'
import { plural } from '../format'

function summaryText(s: CostSummary): string {
  const parts = [`spent ${formatTotals(s.spent)}`]
  if (s.possibly.usd > 0 || Object.keys(s.possibly.credits).length) parts.push(`possibly ${formatTotals(s.possibly)} more`)
  parts.push(`estimate ${formatTotals(s.estimated)}`)
  if (s.unknown) parts.push(`${plural(s.unknown, 'job')} of unknown price`)
  return parts.join(' · ')
}

export function QueueCosts({ scope }: { scope: { batchId: number | null; provider: ProviderId | null; model: string | null } }) {
  const [report, setReport] = useState<CostReport | null>(null)
  const [open, setOpen] = useState(false)
  const { batchId, provider, model } = scope
  const load = useCallback(() => {
    getBridge()
      .getCosts({ ...(batchId !== null ? { batchId } : {}), ...(provider !== null ? { provider } : {}), ...(model !== null ? { model } : {}) })
      .then(setReport, () => undefined)
  }, [batchId, provider, model])
  useEffect(load, [load])
  const reload = useThrottled(load, 1000)
  useBridgeEvent('countsChanged', reload)
  if (!report || report.total.jobs === 0) return null
  const t = report.total
  return (
    <div className="queue-costs" data-testid="queue-costs">
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)} title="Costs per batch, provider, model and day">
        Cost: {summaryText(t)}
      </button>
      {open && (
        <table className="cost-table">
          <tbody>
            {report.byBatch.length > 1 &&
              report.byBatch.slice(0, 20).map((b) => (
                <tr key={`batch-${b.batchId}`}>
                  <th>{b.name}</th>
                  <td>{summaryText(b)}</td>
                </tr>
              ))}
            {report.byProvider.map((p) => (
              <tr key={p.provider}>
                <th>{providerInfo(p.provider).label}</th>
                <td>{summaryText(p)}</td>
              </tr>
            ))}
            {report.byModel.length > 1 &&
              report.byModel.map((m) => (
                <tr key={`${m.provider}/${m.model}`}>
                  <th>{modelName(m.provider, m.model)}</th>
                  <td>{summaryText(m)}</td>
                </tr>
              ))}
            {report.byDay.map((d) => (
              <tr key={d.day}>
                <th>{d.day}</th>
                <td>{summaryText(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
