// "Then…": steps after each generated job, on any provider — upscale the result, edit it, animate it. Each
// step starts from the file the one before it saved; main checks each step can take what the one before
// makes before anything is queued. Steps use each model's own defaults (their parameters can be set when
// sending a picked result instead, with Send to…).
import type { PipelineStep } from '../../../shared/contract'
import { Icon } from '../components/Icon'
import { stepModels, type SendStep } from '../lineage/sendToSteps'
import { providerModelName } from '../modelNames'

/** At most this many steps after a job (the contract's limit). */
export const MAX_STEPS = 4
const STEP_KINDS: readonly { step: SendStep; label: string }[] = [
  { step: 'upscale', label: 'Upscale' },
  { step: 'edit', label: 'Edit' },
  { step: 'video', label: 'Animate' }
]
const CHOICES = STEP_KINDS.flatMap(({ step, label }) =>
  stepModels(step)
    .filter((m) => !m.blocked)
    .map((m) => ({ key: `${m.provider}/${m.info.id}`, provider: m.provider, model: m.info.id, group: label }))
)

export type StepChoice = Pick<PipelineStep, 'provider' | 'model'>

export function PipelineSteps({ value, onChange }: { value: StepChoice[]; onChange(next: StepChoice[]): void }) {
  const set = (i: number, key: string) => {
    const c = CHOICES.find((x) => x.key === key)
    if (c) onChange(value.map((s, j) => (j === i ? { provider: c.provider, model: c.model } : s)))
  }
  return (
    <div className="field pipeline-steps">
      <span className="field-label">Then</span>
      {value.map((s, i) => (
        <div key={i} className="inline-field">
          <span className="muted">{i === 0 ? 'then' : 'and then'}</span>
          <select className="grow" aria-label={`Step ${i + 1}`} value={`${s.provider}/${s.model}`} onChange={(e) => set(i, e.target.value)}>
            {STEP_KINDS.map(({ label }) => (
              <optgroup key={label} label={label}>
                {CHOICES.filter((c) => c.group === label).map((c) => (
                  <option key={c.key} value={c.key}>
                    {providerModelName(c.provider, c.model)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove step ${i + 1}`}
            title="Remove this step"
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
      {value.length < MAX_STEPS && (
        <button type="button" className="link-button" onClick={() => onChange([...value, { provider: CHOICES[0].provider, model: CHOICES[0].model }])}>
          <Icon name="plus" size={14} /> {value.length ? 'Add another step' : 'Add a step after each job (upscale, edit, animate the result)'}
        </button>
      )}
    </div>
  )
}
