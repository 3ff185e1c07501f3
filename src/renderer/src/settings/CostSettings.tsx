// Settings → Prices & budgets: the budgets (today's, each provider's, each batch's), what each provider
// bills and its balance where it reports one, and the price table with each default's source and the date it
// was read, each price editable (a price of your own, or back to the default).
import { useEffect, useState } from 'react'
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { Settings } from '../../../shared/contract'
import type { Budget } from '../../../shared/costs'
import { describePrice, formatAmount, priceKey, type FailureBilling, type PriceEntry } from '../../../shared/pricing'
import { getBridge } from '../bridge'
import { modelName } from '../modelNames'
import { useBatches } from '../queue/useBatches'
import { errorMessage, useToasts } from '../toasts'
import '../styles/costs.css'

const FAILURE_WORDS: Record<FailureBilling, string> = { billed: 'billed', not_billed: 'not billed', unknown: 'unknown (counted as possibly billed)' }

function parseAmount(text: string): number | null | 'bad' {
  const t = text.trim().replace(/^\$\s*/, '')
  if (t === '') return null
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : 'bad'
}

function BudgetField({
  label,
  budget,
  credits,
  onSave
}: {
  label: string
  budget: Budget | undefined
  credits?: boolean
  onSave(amount: number | null, currency: 'usd' | 'credits'): Promise<void>
}) {
  const [text, setText] = useState(budget ? String(budget.amount) : '')
  const [currency, setCurrency] = useState<'usd' | 'credits'>(budget?.currency ?? 'usd')
  const [problem, setProblem] = useState<string | null>(null)
  const amount = parseAmount(text)
  const changed = (budget ? String(budget.amount) : '') !== text.trim() || (budget?.currency ?? 'usd') !== currency
  return (
    <div className="budget-row">
      <span className="field-label grow">{label}</span>
      <input
        type="text"
        inputMode="decimal"
        className="mono"
        aria-label={`${label} budget`}
        placeholder="none"
        value={text}
        aria-invalid={amount === 'bad'}
        onChange={(e) => setText(e.target.value)}
      />
      {credits ? (
        <select aria-label={`${label} budget currency`} value={currency} onChange={(e) => setCurrency(e.target.value as 'usd' | 'credits')}>
          <option value="usd">dollars</option>
          <option value="credits">credits</option>
        </select>
      ) : (
        <span className="muted">dollars</span>
      )}
      <button
        type="button"
        className="button small"
        disabled={!changed || amount === 'bad'}
        onClick={() => {
          if (amount === 'bad') return
          setProblem(null)
          onSave(amount, currency).catch((err) => setProblem(errorMessage(err)))
        }}
      >
        {amount === null && budget ? 'Remove' : 'Set'}
      </button>
      {amount === 'bad' && <span className="field-error">An amount, e.g. 20 or 7.50</span>}
      {problem && <span className="field-error">{problem}</span>}
    </div>
  )
}

function PriceRow({ entry, onSave }: { entry: PriceEntry; onSave(amount: number | null): Promise<void> }) {
  const [text, setText] = useState(String(entry.amount))
  const amount = parseAmount(text)
  const variant = entry.when
    ? Object.entries(entry.when)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : ''
  return (
    <tr data-testid="price-row" data-key={priceKey(entry)}>
      <td>{providerInfo(entry.provider).label}</td>
      <td>
        {modelName(entry.provider, entry.model)}
        {variant && <span className="muted"> · {variant}</span>}
      </td>
      <td>{describePrice(entry)}</td>
      <td className="yours">
        <input
          type="text"
          inputMode="decimal"
          className="mono"
          aria-label={`Price of ${priceKey(entry)}`}
          value={text}
          aria-invalid={amount === 'bad'}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="muted">
          {' '}
          {entry.currency === 'usd' ? '$' : 'cr'}/{entry.unit === 'megapixel' ? 'MP' : entry.unit}
        </span>
        <button
          type="button"
          className="button small"
          disabled={amount === 'bad' || amount === null || amount === entry.amount}
          onClick={() => typeof amount === 'number' && void onSave(amount)}
        >
          Set
        </button>
        {entry.edited && (
          <button type="button" className="link-button" onClick={() => void onSave(null)}>
            Default
          </button>
        )}
      </td>
      <td className="source">
        {entry.source}
        <br />
        read {entry.readOn}
      </td>
    </tr>
  )
}

export function CostSettings({ settings, onSettings }: { settings: Settings; onSettings(s: Settings): void }) {
  const { push } = useToasts()
  const batches = useBatches()
  const [reading, setReading] = useState<ProviderId | null>(null)
  const budgets = settings.budgets ?? []
  const find = (scope: Budget['scope'], key: string) => budgets.find((b) => b.scope === scope && b.key === key)
  const setBudget = async (scope: Budget['scope'], key: string, amount: number | null, currency: 'usd' | 'credits') => {
    onSettings(await getBridge().setBudget({ scope, key, amount, currency }))
    push('success', amount === null ? 'Budget removed' : 'Budget set: submits past it wait')
  }
  const setPrice = async (entry: PriceEntry, amount: number | null) => {
    try {
      const { unit, currency, first } = entry
      onSettings(
        await getBridge().updateSettings({
          prices: { [priceKey(entry)]: amount === null ? null : { unit, currency, amount, ...(first !== undefined ? { first } : {}) } }
        })
      )
      push('success', amount === null ? 'Default price restored' : 'Price saved: new estimates use it')
    } catch (err) {
      push('error', `Could not save the price: ${errorMessage(err)}`)
    }
  }
  const readBalance = async (provider: ProviderId) => {
    setReading(provider)
    try {
      const b = await getBridge().refreshBalance({ provider })
      push('info', b ? `${providerInfo(provider).label}: ${formatAmount(b.amount, b.currency)}` : `${providerInfo(provider).label} has no balance endpoint`)
    } catch (err) {
      push('error', `Could not read the balance: ${errorMessage(err)}`)
    } finally {
      setReading(null)
    }
  }
  // Opening Settings reads the balances not read yet, for providers that have one and a key (a failure leaves "not read yet").
  useEffect(() => {
    for (const p of PROVIDERS) {
      if (settings.billing?.[p.id]?.hasBalance && settings.providers[p.id]?.hasKey && !settings.balances?.[p.id])
        void getBridge()
          .refreshBalance({ provider: p.id })
          .catch(() => undefined)
    }
    // Once per visit to Settings.
  }, [])
  const batchBudgets = budgets.filter((b) => b.scope === 'batch')
  return (
    <section className="settings-card" aria-labelledby="cost-settings-title" data-testid="cost-settings">
      <h2 id="cost-settings-title">Prices & budgets</h2>
      <h3>Budgets</h3>
      <p className="field-help">
        A job is sent only if its estimated cost still fits under every budget that applies; past it, new submits wait with the reason and jobs already sent are
        still polled and downloaded.
      </p>
      <BudgetField
        key={`day-${find('day', '')?.amount}`}
        label="Per day (all providers)"
        budget={find('day', '')}
        onSave={(a) => setBudget('day', '', a, 'usd')}
      />
      {PROVIDERS.map((p) => (
        <BudgetField
          key={`${p.id}-${find('provider', p.id)?.amount}`}
          label={p.label}
          budget={find('provider', p.id)}
          credits={settings.billing?.[p.id]?.currency === 'credits'}
          onSave={(a, c) => setBudget('provider', p.id, a, c)}
        />
      ))}
      {batchBudgets.map((b) => (
        <BudgetField
          key={`batch-${b.key}-${b.amount}`}
          label={`Batch “${batches.find((x) => String(x.id) === b.key)?.name ?? b.key}”`}
          budget={b}
          onSave={(a) => setBudget('batch', b.key, a, 'usd')}
        />
      ))}

      <h3>What each provider bills</h3>
      {PROVIDERS.map((p) => {
        const billing = settings.billing?.[p.id]
        if (!billing) return null
        const balance = settings.balances?.[p.id]
        return (
          <div key={p.id} className="billing-facts" data-testid="billing-facts">
            <strong>{p.label}</strong>: {billing.note} Moderated jobs: {FAILURE_WORDS[billing.moderated]}; failures after start: {FAILURE_WORDS[billing.failed]}
            .{' '}
            {billing.hasBalance && (
              <>
                Balance: {balance ? <strong>{formatAmount(balance.amount, balance.currency)}</strong> : 'not read yet'}{' '}
                <button type="button" className="link-button" disabled={reading === p.id} onClick={() => void readBalance(p.id)}>
                  {reading === p.id ? 'Reading…' : 'Read balance'}
                </button>
              </>
            )}
            <span className="source muted">
              {' '}
              ({billing.source}; read {billing.readOn})
            </span>
          </div>
        )
      })}

      <h3>Prices</h3>
      <p className="field-help">A model or variant not listed here has no known price: its jobs show as unknown, never as free.</p>
      <table className="prices-table">
        <thead>
          <tr>
            <th>Provider</th>
            <th>Model</th>
            <th>Price</th>
            <th>Yours</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {(settings.prices ?? []).map((e) => (
            <PriceRow key={`${priceKey(e)}-${e.amount}`} entry={e} onSave={(amount) => setPrice(e, amount)} />
          ))}
        </tbody>
      </table>
    </section>
  )
}
