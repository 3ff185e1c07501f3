// The matrix's models: the chosen provider/model pairs as removable chips, and a disclosure listing every
// provider's suggested models as checkboxes, the ids the user typed in beside them, and "Other model id…"
// for any model the provider has that the catalogue does not list.
import { useId, useState } from 'react'
import type { Settings } from '../../../shared/contract'
import { PROVIDERS, type JobKind } from '../../../shared/catalogue'
import { Icon } from '../components/Icon'
import { ExtraIcon } from '../queue/ExtraIcon'
import { modelKey, modelLabel, splitKey, type ModelKey } from './matrix'
import { OtherModelForm } from './OtherModelForm'

const shortLabel = (label: string) => label.replace(/ \(.*\)$/, '')

interface ModelPickerProps {
  value: readonly ModelKey[]
  /** What each typed-in model id makes, as the user said when adding it. */
  otherKinds: Partial<Record<ModelKey, JobKind>>
  settings: Settings | null
  onChange(next: ModelKey[]): void
  onAddOther(key: ModelKey, kind: JobKind): void
}

export function ModelPicker({ value, otherKinds, settings, onChange, onAddOther }: ModelPickerProps) {
  const [open, setOpen] = useState(false)
  const id = useId()
  const toggle = (key: ModelKey) => onChange(value.includes(key) ? value.filter((k) => k !== key) : [...value, key])
  return (
    <div className="field model-picker" role="group" aria-labelledby={`${id}-label`}>
      <div className="model-picker-head">
        <span className="field-label" id={`${id}-label`}>
          Models <span className="model-count">{value.length}</span>
        </span>
        <button type="button" className="link-button" aria-expanded={open} aria-controls={`${id}-options`} onClick={() => setOpen((o) => !o)}>
          {open ? 'Done' : 'Choose models'}
          <ExtraIcon name="chevron" size={12} className={`disclosure-icon${open ? ' open' : ''}`} />
        </button>
      </div>
      <div className="model-chips">
        {value.length === 0 && <span className="muted">No model chosen</span>}
        {value.map((key) => (
          <span key={key} className="model-chip" data-testid="model-chip">
            {modelLabel(key)}
            <button type="button" className="chip-remove" aria-label={`Remove ${modelLabel(key)}`} onClick={() => toggle(key)}>
              <Icon name="close" size={11} />
            </button>
          </span>
        ))}
      </div>
      {open && (
        <div className="model-options" id={`${id}-options`}>
          {PROVIDERS.map((p) => {
            const state = settings?.providers[p.id]
            const note = state?.pausedReason ? 'paused' : p.id !== 'demo' && state && !state.hasKey ? 'no key' : null
            const typed = (Object.keys(otherKinds) as ModelKey[]).filter((k) => splitKey(k).provider === p.id)
            const options = [
              ...p.models.map((m) => ({ key: modelKey(p.id, m.id), label: m.label, kind: m.kind })),
              ...typed.map((k) => ({ key: k, label: splitKey(k).model, kind: otherKinds[k]! }))
            ]
            return (
              <fieldset key={p.id} className="model-group">
                <legend>
                  {shortLabel(p.label)}
                  {note && <span className="badge warn">{note}</span>}
                </legend>
                {options.map((m) => (
                  <label key={m.key} className="checkbox-field model-option">
                    <input type="checkbox" aria-label={`${shortLabel(p.label)} · ${m.label}`} checked={value.includes(m.key)} onChange={() => toggle(m.key)} />
                    <span className={otherKinds[m.key] ? 'mono' : undefined}>{m.label}</span>
                    <span className="model-kind">{m.kind}</span>
                  </label>
                ))}
                <OtherModelForm
                  provider={p}
                  onAdd={(model, kind) => {
                    const known = p.models.find((m) => m.id === model)
                    onAddOther(modelKey(p.id, model), known?.kind ?? kind)
                  }}
                />
              </fieldset>
            )
          })}
        </div>
      )}
    </div>
  )
}
