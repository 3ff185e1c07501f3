// The provider and model selects for queuing existing prompts again: the lightbox's "Re-queue…" (which can
// hand the shown picture to a model that starts from one) and the queue's bulk re-queue dialog (which has no
// picture to give, so it leaves out the models that need one).
import { providerInfo, type ModelInfo, type ProviderId } from '../../../shared/catalogue'
import { ProviderOptions } from './ProviderOptions'

export interface ModelChoice {
  provider: ProviderId
  model: string
}

/** Models a prompt can be queued on: with no picture to give, none that needs one (never a step without its input). */
const requeueModels = (provider: ProviderId, withPicture: boolean): ModelInfo[] => providerInfo(provider).models.filter((m) => withPicture || !m.input?.min)

/** The provider's model to start on: `model` if it has it, else its first of the same kind, else its first. */
export function closestModel(provider: ProviderId, model: string, kind?: ModelInfo['kind'], withPicture = false): string {
  const models = requeueModels(provider, withPicture)
  return (models.find((m) => m.id === model) ?? models.find((m) => m.kind === kind) ?? models[0])?.id ?? ''
}

export function RequeueFields({ value, withPicture = false, onChange }: { value: ModelChoice; withPicture?: boolean; onChange(next: ModelChoice): void }) {
  const models = requeueModels(value.provider, withPicture)
  const changeProvider = (provider: ProviderId) => {
    const kind = models.find((m) => m.id === value.model)?.kind
    onChange({ provider, model: closestModel(provider, value.model, kind, withPicture) })
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
