// Settings → a provider's "Models": asks the provider's own API for its model list where it has one (Wonda's
// capabilities, APIXO's schema index), so a model it added since this app's catalogue was written can be
// found by id in the composer; where it has none, says so (any id can still be typed in).
import { useState } from 'react'
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import { getBridge } from '../bridge'
import { setListedModels, useListedModels } from '../providerModels'
import { ExtraIcon } from '../queue/ExtraIcon'
import { errorMessage } from '../toasts'

export function ProviderModelsRow({ provider }: { provider: ProviderId }) {
  const info = providerInfo(provider)
  const models = useListedModels(provider)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null)

  const refresh = async () => {
    setBusy(true)
    setResult(null)
    try {
      const answer = await getBridge().listProviderModels({ provider })
      if (answer.models) setListedModels(provider, answer.models)
      setResult({ ok: answer.models !== null, message: answer.message })
    } catch (err) {
      setResult({ ok: false, message: `Could not list ${info.label}’s models: ${errorMessage(err)}` })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="settings-row">
      <span className="settings-row-label">Models</span>
      <div className="settings-row-body">
        <div className="inline-form">
          <button type="button" className="button" disabled={busy} onClick={() => void refresh()}>
            <ExtraIcon name="layers" size={14} /> {busy ? 'Asking…' : 'Refresh models'}
          </button>
          {info.modelsUrl && (
            <a className="link-button" href={info.modelsUrl} target="_blank" rel="noreferrer">
              <ExtraIcon name="external" size={12} /> {info.label}’s model list
            </a>
          )}
        </div>
        {result && (
          <p className={`settings-message ${result.ok ? 'ok' : 'info'}`} role="status" data-testid="models-result">
            {result.message}
          </p>
        )}
        {models.length > 0 && (
          <details className="listed-models">
            <summary>{models.length} model ids, offered under “Other model id…” in the composer</summary>
            <ul aria-label={`${info.label} models`}>
              {models.map((m) => (
                <li key={m.id}>
                  <span className="mono">{m.id}</span>
                  {m.kind && <span className="model-kind">{m.kind}</span>}
                  {m.label && m.label !== m.id && <span className="muted">{m.label}</span>}
                </li>
              ))}
            </ul>
          </details>
        )}
        <div className="field-help">The catalogue’s models are suggestions: any id the provider accepts can be typed in the composer.</div>
      </div>
    </div>
  )
}
