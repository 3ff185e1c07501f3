// "Queue this prompt again": the provider and model, starting at the ones that made this result. On a model
// that makes from a prompt, requeueJobs queues the result's job again (its prompt and parameters, as a new
// batch). On a model that starts from a picture (upscale, edit, image-to-video), THIS result is the input
// (requeueJobs would take the job's results, which may be several), and the new job gets that model's own
// defaults: an image model's width, height or quality mean nothing to an upscaler.
import { useState, type FormEvent } from 'react'
import type { Asset } from '../../../shared/contract'
import { modelInfo, providerInfo } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { closestModel, RequeueFields, type ModelChoice } from '../components/RequeueFields'
import { defaultParamValues, paramsToSend } from '../composer/ParamFields'
import { errorMessage, useToasts } from '../toasts'

export function RequeuePicker({ asset, onDone }: { asset: Asset; onDone(): void }) {
  const { push } = useToasts()
  const { settings } = useAppData()
  const [choice, setChoice] = useState<ModelChoice>(() => ({ provider: asset.provider, model: closestModel(asset.provider, asset.model) }))
  const [busy, setBusy] = useState(false)
  const { provider, model } = choice
  const noKey = settings?.providers[provider]?.hasKey === false
  const target = modelInfo(provider, model)
  const fromPicture = target?.input !== undefined && target.input.min > 0

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    try {
      const bridge = getBridge()
      const { jobIds } = fromPicture
        ? await bridge.queuePrompts({
            prompts: [asset.prompt],
            provider,
            model,
            params: paramsToSend(target.params, defaultParamValues(target.params)).params,
            inputs: [{ assetId: asset.id }],
            batchName: `${asset.batchName} → ${target.label}`
          })
        : await bridge.requeueJobs({ ids: [asset.jobId], provider, model })
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
      {fromPicture && <p className="field-help">This picture is the input; the job gets {target.label}’s own settings.</p>}
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
