// The provider and model selects for queuing existing prompts again: the lightbox's "Re-queue…" and the
// queue's bulk re-queue dialog. Every model is offered: one that starts from a picture (upscale, edit,
// image-to-video) takes the shown picture, or each re-queued job's own result.
import { providerInfo, type ModelInfo, type ProviderId } from '../../../shared/catalogue'
import { ProviderOptions } from './ProviderOptions'

export interface ModelChoice {
  provider: ProviderId
  model: string
}

/** The provider's model to start on: `model` if it has it, else its first of the same kind, else its first. */
export function closestModel(provider: ProviderId, model: string, kind?: ModelInfo['kind']): string {
  const models = providerInfo(provider).models
  return (models.find((m) => m.id === model) ?? models.find((m) => m.kind === kind) ?? models[0])?.id ?? ''
}

export function RequeueFields({ value, onChange }: { value: ModelChoice; onChange(next: ModelChoice): void }) {
  const models = providerInfo(value.provider).models
  const changeProvider = (provider: ProviderId) => {
    const kind = models.find((m) => m.id === value.model)?.kind
    onChange({ provider, model: closestModel(provider, value.model, kind) })
  }
  return (
    <>
      <label className="field grow">
        <span className="field-label">Provider</span>
        <select value={value.provider} onChange={(e) => changeProvider(e.target.value as ProviderId)}>
          <ProviderOptions />
        </select>
      </label>
      <label className="field grow">
        <span className="field-label">Model</span>
        <select value={value.model} onChange={(e) => onChange({ ...value, model: e.target.value })}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} · {m.kind}
            </option>
          ))}
        </select>
      </label>
    </>
  )
}
