// The composer's cost block: the estimate of the matrix as it changes, an optional budget for the new batch,
// and the question asked before jobs of unknown price are queued under a budget (the first press of Queue
// asks, the second queues them anyway).
import { useId, useState } from 'react'
import type { Settings } from '../../../shared/contract'
import { CostEstimate, applyingBudgets, estimateGroups, type EstimateGroup } from './CostEstimate'
import { providerInfo } from '../../../shared/catalogue'

export interface BatchCost {
  view: React.ReactNode
  /** A budget that cannot be read, as a sentence. */
  problem: string | null
  /** Dollars, for the call that makes the batch. */
  budget: number | null
  /** Set before the user agreed to queue jobs of unknown price under a budget. */
  question: string | null
  agreed: boolean
  agree(): void
  /** After a batch was queued: the next one starts without a budget. */
  reset(): void
}

export function useBatchCost(settings: Settings | null, groups: readonly EstimateGroup[]): BatchCost {
  const id = useId()
  const [budgetText, setBudgetText] = useState('')
  const [agreedTo, setAgreedTo] = useState<string | null>(null)
  const estimate = estimateGroups(settings?.prices, groups)
  const raw = budgetText.trim().replace(/^\$\s*/, '')
  const budget = raw === '' ? null : /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN
  const problem = Number.isNaN(budget) ? 'The batch budget must be an amount in dollars, e.g. 5 or 12.50.' : null
  const budgets = applyingBudgets(settings?.budgets ?? [], [...new Set(groups.map((g) => g.provider))], Number.isNaN(budget) ? null : budget)
  const unknown = estimate?.unknown ?? []
  const signature = JSON.stringify([unknown, budgets])
  const question =
    unknown.length && budgets.length
      ? `A budget applies (${budgets.join(', ')}), but ${unknown.map((u) => `${providerInfo(u.provider).label} / ${u.model}`).join(', ')} ${unknown.length === 1 ? 'has' : 'have'} no known price, so the budget cannot hold ${unknown.length === 1 ? 'its' : 'their'} jobs back. Press Queue anyway to queue them.`
      : null
  const view = (
    <>
      <CostEstimate estimate={estimate} budgets={budgets} />
      <label className="inline-field batch-budget" htmlFor={`${id}-budget`}>
        <span className="field-label">Batch budget</span>
        <input
          id={`${id}-budget`}
          type="text"
          inputMode="decimal"
          className="mono"
          placeholder="$ none"
          aria-invalid={problem !== null}
          value={budgetText}
          onChange={(e) => setBudgetText(e.target.value)}
        />
      </label>
    </>
  )
  return {
    view,
    problem,
    budget: Number.isNaN(budget) ? null : budget,
    question,
    agreed: question !== null && agreedTo === signature,
    agree: () => setAgreedTo(signature),
    reset: () => setBudgetText('')
  }
}
