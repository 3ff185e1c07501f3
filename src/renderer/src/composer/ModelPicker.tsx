// The matrix's models: the chosen provider/model pairs as removable chips, and a disclosure listing every
// provider's models as checkboxes (chained-only models such as Wondercat's trim are left out).
import { useId, useState } from 'react'
import type { Settings } from '../../../shared/contract'
import { PROVIDERS } from '../../../shared/catalogue'
import { Icon } from '../components/Icon'
import { ExtraIcon } from '../queue/ExtraIcon'
import { modelKey, modelLabel, type ModelKey } from './matrix'

const shortLabel = (label: string) => label.replace(/ \(.*\)$/, '')

export function ModelPicker({ value, settings, onChange }: { value: readonly ModelKey[]; settings: Settings | null; onChange(next: ModelKey[]): void }) {
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
            return (
              <fieldset key={p.id} className="model-group">
                <legend>
                  {shortLabel(p.label)}
                  {note && <span className="badge warn">{note}</span>}
                </legend>
                {p.models
                  .filter((m) => m.kind !== 'trim')
                  .map((m) => {
                    const key = modelKey(p.id, m.id)
                    return (
                      <label key={key} className="checkbox-field model-option">
                        <input type="checkbox" aria-label={`${shortLabel(p.label)} · ${m.label}`} checked={value.includes(key)} onChange={() => toggle(key)} />
                        <span>{m.label}</span>
                        <span className="model-kind">{m.kind}</span>
                      </label>
                    )
                  })}
              </fieldset>
            )
          })}
        </div>
      )}
    </div>
  )
}
