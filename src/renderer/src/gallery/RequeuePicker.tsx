// "Queue this prompt again": the provider and model, starting at the ones that made this result, then
// requeueJobs for the result's job (its prompt and parameters, as a new batch).
import { useState, type FormEvent } from 'react'
import type { Asset } from '../../../shared/contract'
import { providerInfo } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { closestModel, RequeueFields, type ModelChoice } from '../components/RequeueFields'
import { errorMessage, useToasts } from '../toasts'

export function RequeuePicker({ asset, onDone }: { asset: Asset; onDone(): void }) {
  const { push } = useToasts()
  const { settings } = useAppData()
  const [choice, setChoice] = useState<ModelChoice>(() => ({ provider: asset.provider, model: closestModel(asset.provider, asset.model) }))
  const [busy, setBusy] = useState(false)
  const { provider, model } = choice
  const noKey = settings?.providers[provider]?.hasKey === false

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
      <RequeueFields value={choice} onChange={setChoice} />
      {noKey && <p className="field-help">No API key for {providerInfo(provider).label} yet: add one in Settings for this job to run.</p>}
      <div className="requeue-actions">
        <button type="submit" className="button primary small" disabled={busy || !model}>
          {busy ? 'Queuing…' : 'Queue'}
        </button>
        <button type="button" className="button small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
