// The Settings tab: where results are saved, the default provider, the demo simulator's behaviour, and
// per provider its key (write-only), connection test, base URL, polling and pause state (ProviderSettings).
import { useEffect, useId, useState, type FormEvent } from 'react'
import type { Settings } from '../../../shared/contract'
import { PROVIDERS, type ProviderId } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { ProviderOptions } from '../components/ProviderOptions'
import { getBridge } from '../bridge'
import { useSessionState } from '../hooks/useSessionState'
import { errorMessage, useToasts } from '../toasts'
import { ProviderSettings } from './ProviderSettings'
import { CostSettings } from './CostSettings'

interface Form {
  outputRoot: string
  defaultProvider: ProviderId
  durationMs: string
  /** As a percentage: people think of "10 % of jobs fail", the API wants 0.1. */
  failurePercent: string
}

function toForm(s: Settings): Form {
  return {
    outputRoot: s.outputRoot,
    defaultProvider: s.defaultProvider,
    durationMs: String(s.demo.durationMs),
    failurePercent: String(Math.round(s.demo.failureRate * 1000) / 10)
  }
}

/** What the failure rate does, in the user's numbers: a percentage (0.5 is one job in 200, not half of them). */
function failureHelp(text: string): string {
  const percent = Number(text)
  if (text.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) return 'A percentage from 0 to 100.'
  if (percent === 0) return 'Every Demo job succeeds. Raise it to try what a failed job looks like: its message, its history and Retry.'
  if (percent === 100) return 'Every Demo job fails on purpose, to try failed jobs and Retry.'
  const hint = percent < 1 ? ` Did you mean ${Math.round(percent * 100)} %?` : ''
  return `About one Demo job in ${Math.round(100 / percent).toLocaleString()} fails on purpose, to try failed jobs and Retry.${hint}`
}

function validate(form: Form): string | null {
  if (!form.outputRoot.trim()) return 'The output folder cannot be empty.'
  const duration = Number(form.durationMs)
  if (!Number.isInteger(duration) || duration < 0 || duration > 600_000) return 'Demo job duration must be a whole number of milliseconds from 0 to 600000.'
  const percent = Number(form.failurePercent)
  if (form.failurePercent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    return 'Demo failure rate must be a percentage from 0 to 100.'
  return null
}

export function SettingsView() {
  const { settings, setSettings } = useAppData()
  const { push } = useToasts()
  const [form, setForm] = useState<Form | null>(settings && toForm(settings))
  const [dirty, setDirty] = useState(false)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const [providerTab, setProviderTab] = useSessionState<ProviderId>('settings.provider', 'demo')

  // Follow changes made elsewhere (another window, main pausing a provider) unless the user is mid-edit.
  useEffect(() => {
    if (settings && !dirty) setForm(toForm(settings))
  }, [settings, dirty])

  if (!settings || !form) return <div className="settings-view muted">Loading settings…</div>

  const edit = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch })
    setDirty(true)
    setError(null)
  }

  const save = async (e: FormEvent) => {
    e.preventDefault()
    const problem = validate(form)
    if (problem) return setError(problem)
    setSaving(true)
    try {
      const next = await getBridge().updateSettings({
        outputRoot: form.outputRoot.trim(),
        defaultProvider: form.defaultProvider,
        demo: { durationMs: Number(form.durationMs), failureRate: Number(form.failurePercent) / 100 }
      })
      setSettings(next)
      setDirty(false)
      push('success', 'Settings saved')
    } catch (err) {
      setError(errorMessage(err))
      push('error', `Could not save settings: ${errorMessage(err)}`)
    } finally {
      setSaving(false)
    }
  }

  return (
    <div className="settings-view">
      <form className="settings-card" noValidate onSubmit={(e) => void save(e)}>
        <h2>General</h2>
        <label className="field" htmlFor={`${id}-out`}>
          <span className="field-label">Output folder</span>
          <input id={`${id}-out`} type="text" className="mono" value={form.outputRoot} onChange={(e) => edit({ outputRoot: e.target.value })} />
          <span className="field-help">Each batch saves into its own subfolder here.</span>
        </label>
        {settings.canChoosePaths && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void getBridge()
                .choosePath({ purpose: 'output-folder', suggested: form.outputRoot })
                .then(({ path }) => path && edit({ outputRoot: path }))
            }
          >
            Choose output folder…
          </button>
        )}
        {settings.keyWarning && (
          <p className="settings-message error" role="alert">
            {settings.keyWarning}
          </p>
        )}
        <label className="field" htmlFor={`${id}-provider`}>
          <span className="field-label">Default provider</span>
          <select id={`${id}-provider`} value={form.defaultProvider} onChange={(e) => edit({ defaultProvider: e.target.value as ProviderId })}>
            <ProviderOptions />
          </select>
        </label>

        <h2>Demo simulator</h2>
        <div className="field-row">
          <label className="field grow" htmlFor={`${id}-duration`}>
            <span className="field-label">Demo job duration (ms)</span>
            <input
              id={`${id}-duration`}
              type="number"
              min={0}
              max={600000}
              step={100}
              value={form.durationMs}
              onChange={(e) => edit({ durationMs: e.target.value })}
            />
          </label>
          <label className="field grow" htmlFor={`${id}-failure`}>
            <span className="field-label">Demo jobs that fail on purpose</span>
            <span className="inline-field">
              <input
                id={`${id}-failure`}
                type="number"
                min={0}
                max={100}
                step="any"
                aria-describedby={`${id}-failure-help`}
                value={form.failurePercent}
                onChange={(e) => edit({ failurePercent: e.target.value })}
              />
              <span className="muted">% of Demo jobs</span>
            </span>
            <span className="field-help" id={`${id}-failure-help`}>
              {failureHelp(form.failurePercent)}
            </span>
          </label>
        </div>

        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="settings-actions">
          <button type="submit" className="button primary" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            className="button"
            disabled={!dirty || saving}
            onClick={() => {
              setForm(toForm(settings))
              setDirty(false)
              setError(null)
            }}
          >
            Revert
          </button>
        </div>
      </form>

      <section className="settings-card providers-card" aria-labelledby={`${id}-providers`}>
        <h2 id={`${id}-providers`}>Providers</h2>
        <div className="providers-layout">
          <div className="provider-tabs" role="tablist" aria-orientation="vertical" aria-label="Providers">
            {PROVIDERS.map((p, i) => {
              const state = settings.providers[p.id]
              const selected = p.id === providerTab
              return (
                <button
                  key={p.id}
                  type="button"
                  role="tab"
                  id={`${id}-tab-${p.id}`}
                  aria-selected={selected}
                  aria-controls={`${id}-panel`}
                  tabIndex={selected ? 0 : -1}
                  className="provider-tab"
                  data-provider={p.id}
                  onClick={() => setProviderTab(p.id)}
                  onKeyDown={(e) => {
                    const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
                    if (!step) return
                    e.preventDefault()
                    const next = PROVIDERS[(i + step + PROVIDERS.length) % PROVIDERS.length]
                    setProviderTab(next.id)
                    document.getElementById(`${id}-tab-${next.id}`)?.focus()
                  }}
                >
                  <span
                    className={`provider-dot ${state?.pausedReason ? 'paused' : state?.unreachable ? 'unreachable' : p.id === 'demo' || state?.hasKey ? 'ready' : 'nokey'}`}
                    aria-hidden="true"
                  />
                  <span className="provider-tab-text">
                    <span className="provider-tab-name">{p.label}</span>
                    <span className="provider-tab-state">
                      {state?.pausedReason
                        ? 'paused'
                        : state?.unreachable
                          ? 'cannot be reached'
                          : p.id === 'demo'
                            ? 'no key needed'
                            : state?.hasKey
                              ? 'key set'
                              : 'no key'}
                    </span>
                  </span>
                </button>
              )
            })}
          </div>
          <div className="provider-tabpanel" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${providerTab}`}>
            {settings.providers[providerTab] && (
              <ProviderSettings key={providerTab} provider={providerTab} state={settings.providers[providerTab]} onSettings={setSettings} />
            )}
          </div>
        </div>
      </section>

      <CostSettings settings={settings} onSettings={setSettings} />
    </div>
  )
}
