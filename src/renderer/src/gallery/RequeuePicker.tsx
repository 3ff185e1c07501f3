// "Queue this prompt again": a small picker of provider and model, starting at the ones that made this
// result, then requeueJobs for the result's job (its prompt and parameters, as a new batch).
import { useState, type FormEvent } from 'react'
import type { Asset } from '../../../shared/contract'
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { errorMessage, useToasts } from '../toasts'
import { isProviderId } from './galleryQuery'

export function RequeuePicker({ asset, onDone }: { asset: Asset; onDone(): void }) {
  const { push } = useToasts()
  const { settings } = useAppData()
  const [provider, setProvider] = useState<ProviderId>(asset.provider)
  const [model, setModel] = useState(asset.model)
  const [busy, setBusy] = useState(false)
  const models = providerInfo(provider).models
  const originalKind = providerInfo(asset.provider).models.find((m) => m.id === asset.model)?.kind
  const noKey = settings?.providers[provider]?.hasKey === false

  const changeProvider = (next: ProviderId) => {
    setProvider(next)
    const options = providerInfo(next).models
    // Same model if the new provider has it, else the first of the same kind, else its first.
    setModel((options.find((m) => m.id === model) ?? options.find((m) => m.kind === originalKind) ?? options[0]).id)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    try {
      const { jobIds } = await getBridge().requeueJobs({ ids: [asset.jobId], provider, model })
      push('success', `Queued again on ${providerInfo(provider).label} (job ${jobIds.join(', ')})`)
      onDone()
    } catch (err) {
      push('error', `Could not queue it again: ${errorMessage(err)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="requeue-picker" aria-label="Queue this prompt again" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span className="field-label">Provider</span>
        <select aria-label="Re-queue provider" value={provider} onChange={(e) => isProviderId(e.target.value) && changeProvider(e.target.value)}>
          {PROVIDERS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Model</span>
        <select aria-label="Re-queue model" value={model} onChange={(e) => setModel(e.target.value)}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} ({m.kind})
            </option>
          ))}
        </select>
      </label>
      {noKey && <p className="field-help">No API key for {providerInfo(provider).label} yet: add one in Settings for this job to run.</p>}
      <div className="requeue-actions">
        <button type="submit" className="button primary small" disabled={busy}>
          {busy ? 'Queuing…' : 'Queue'}
        </button>
        <button type="button" className="button small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
