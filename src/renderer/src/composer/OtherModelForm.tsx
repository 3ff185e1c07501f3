// "Other model id…" under a provider's suggested models: the catalogue only suggests, and a model the
// provider added last month must be usable too. The user types its id (the suggestions are offered as they
// type, with the ids the provider's API listed in Settings → Refresh models, and the provider's own model
// page is a link away) and says what it makes, which decides the generic fields it gets and whether it
// needs an input picture.
import { useId, useState } from 'react'
import type { JobKind, ProviderInfo } from '../../../shared/catalogue'
import { useListedModels } from '../providerModels'
import { ExtraIcon } from '../queue/ExtraIcon'

const shortLabel = (label: string) => label.replace(/ \(.*\)$/, '')

export function OtherModelForm({ provider, onAdd }: { provider: ProviderInfo; onAdd(model: string, kind: JobKind): void }) {
  const [open, setOpen] = useState(false)
  const [id, setId] = useState('')
  const [kind, setKind] = useState<JobKind>(provider.kinds[0])
  const ids = useId()
  const listed = useListedModels(provider.id)
  const name = shortLabel(provider.label)
  const offered = [...provider.models, ...listed.filter((l) => !provider.models.some((m) => m.id === l.id))]
  const typed = id.trim()
  const add = () => {
    if (!typed) return
    onAdd(typed, kind)
    setId('')
    setOpen(false)
  }
  if (!open)
    return (
      <button type="button" className="link-button other-model-toggle" onClick={() => setOpen(true)}>
        Other model id…
      </button>
    )
  return (
    <div className="other-model" role="group" aria-label={`${name}: other model id`}>
      <div className="field-row">
        <label className="field grow">
          <span className="field-label">Model id</span>
          <input
            type="text"
            className="mono"
            aria-label={`${name} model id`}
            list={`${ids}-suggestions`}
            maxLength={200}
            placeholder="as the provider names it"
            value={id}
            autoFocus
            onChange={(e) => {
              setId(e.target.value)
              // A listed model says what it makes, where the provider's list tells.
              const kindListed = listed.find((l) => l.id === e.target.value.trim())?.kind
              if (kindListed && provider.kinds.includes(kindListed)) setKind(kindListed)
            }}
            onKeyDown={(e) => {
              // Enter adds the model here; it must not submit the whole composer.
              if (e.key === 'Enter') {
                e.preventDefault()
                add()
              } else if (e.key === 'Escape') setOpen(false)
            }}
          />
          <datalist id={`${ids}-suggestions`}>
            {offered.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label ?? m.id}
              </option>
            ))}
          </datalist>
        </label>
        <label className="field">
          <span className="field-label">Makes</span>
          <select aria-label={`${name} model kind`} value={kind} onChange={(e) => setKind(e.target.value as JobKind)}>
            {provider.kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="other-model-actions">
        {provider.modelsUrl && (
          <a className="link-button" href={provider.modelsUrl} target="_blank" rel="noreferrer">
            <ExtraIcon name="external" size={12} /> {name}’s model list
          </a>
        )}
        <button type="button" className="button small" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="button" className="button primary small" disabled={!typed} onClick={add}>
          Add model
        </button>
      </div>
    </div>
  )
}
