// One provider's settings: its API key (write-only: the app only ever says whether one is set), a
// connection test, its own model list, its base URL, how it is polled and how hard, and pausing its queue.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react'
import type { ProviderSettings as ProviderState, Settings } from '../../../shared/contract'
import { checkBaseUrl } from '../../../shared/baseUrl'
import { POLL_STRATEGIES, providerInfo, type PollStrategyName, type ProviderId } from '../../../shared/catalogue'
import { POLLING_LIMITS } from '../../../shared/model'
import { getBridge } from '../bridge'
import { unreachableWords } from '../format'
import { ExtraIcon } from '../queue/ExtraIcon'
import { errorMessage, useToasts } from '../toasts'
import { ProviderModelsRow } from './ProviderModelsRow'

export const STRATEGY_HELP: Record<PollStrategyName, string> = {
  learned:
    'Keeps the “Notice within” promise with as few requests as it can: no requests while this model’s finished jobs and the provider’s progress (once it has proved readable) say a job cannot be done yet, then one at least every promise. 0 = the model’s documented interval.',
  docs: 'Exactly what the provider’s documentation recommends.',
  fixed: 'Every 3 seconds.',
  exponential: 'From 1 s, 1.5× longer each time, at most 10 s.',
  adaptive: 'Waits the model’s typical start time, then polls at its documented interval.',
  'per-status': 'Every 3 s while queued at the provider, every 2 s while running.'
}

const STRATEGY_LABEL: Record<PollStrategyName, string> = {
  learned: 'Learned (recommended)',
  docs: 'Provider docs',
  fixed: 'Fixed interval',
  exponential: 'Exponential backoff',
  adaptive: 'Adaptive (per model)',
  'per-status': 'Per status'
}

/** The rule main applies (https, or plain http on this machine), so the user hears it before saving. */
export function baseUrlProblem(raw: string): string | null {
  if (!raw.trim()) return null
  try {
    checkBaseUrl(raw.trim())
    return null
  } catch (err) {
    return `${(err as Error).message}.`
  }
}

const L = POLLING_LIMITS
const between = (n: number, limit: { min: number; max: number }) => n >= limit.min && n <= limit.max

interface PollingForm {
  strategy: PollStrategyName
  rate: string
  burst: string
  concurrency: string
  maxWaitSeconds: string
  latencySeconds: string
}

function toPolling(p: ProviderState): PollingForm {
  return {
    strategy: p.strategy,
    rate: String(p.rate),
    burst: String(p.burst),
    concurrency: String(p.concurrency),
    maxWaitSeconds: String(p.maxWaitSeconds),
    latencySeconds: String(p.latencySeconds)
  }
}

function checkPolling(f: PollingForm): {
  value?: { strategy: PollStrategyName; rate: number; burst: number; concurrency: number; maxWaitSeconds: number; latencySeconds: number }
  problem?: string
} {
  const rate = Number(f.rate)
  const burst = Number(f.burst)
  const concurrency = Number(f.concurrency)
  const maxWait = Number(f.maxWaitSeconds)
  const latency = Number(f.latencySeconds)
  if (f.rate.trim() === '' || !Number.isFinite(rate) || !between(rate, L.rate))
    return { problem: `Rate must be a number of requests per second from ${L.rate.min} to ${L.rate.max}.` }
  if (!Number.isInteger(burst) || !between(burst, L.burst)) return { problem: `Burst must be a whole number from ${L.burst.min} to ${L.burst.max}.` }
  if (!Number.isInteger(concurrency) || !between(concurrency, L.concurrency))
    return { problem: `Concurrency must be a whole number from ${L.concurrency.min} to ${L.concurrency.max}.` }
  if (f.maxWaitSeconds.trim() === '' || !Number.isInteger(maxWait) || !between(maxWait, L.maxWaitSeconds))
    return { problem: `Max wait must be a whole number of seconds from ${L.maxWaitSeconds.min} to ${L.maxWaitSeconds.max} (0 = the model’s documented limit).` }
  if (f.latencySeconds.trim() === '' || !Number.isFinite(latency) || !between(latency, L.latencySeconds))
    return {
      problem: `Notice within must be a number of seconds from ${L.latencySeconds.min} to ${L.latencySeconds.max} (0 = the model’s documented interval).`
    }
  return { value: { strategy: f.strategy, rate, burst, concurrency, maxWaitSeconds: maxWait, latencySeconds: latency } }
}

type Result = { ok: boolean; message: string } | null

function Message({ result, testId }: { result: Result; testId?: string }) {
  if (!result) return null
  return (
    <p className={`settings-message ${result.ok ? 'ok' : 'error'}`} role={result.ok ? 'status' : 'alert'} data-testid={testId}>
      {result.message}
    </p>
  )
}

function Row({ label, htmlFor, children, help }: { label: string; htmlFor?: string; children: ReactNode; help?: ReactNode }) {
  return (
    <div className="settings-row">
      {htmlFor ? (
        <label className="settings-row-label" htmlFor={htmlFor}>
          {label}
        </label>
      ) : (
        <span className="settings-row-label">{label}</span>
      )}
      <div className="settings-row-body">
        {children}
        {help && <div className="field-help">{help}</div>}
      </div>
    </div>
  )
}

export function ProviderSettings({ provider, state, onSettings }: { provider: ProviderId; state: ProviderState; onSettings(s: Settings): void }) {
  const { push } = useToasts()
  const info = providerInfo(provider)
  const id = useId()
  const isDemo = provider === 'demo'

  // API key: typed, sent, forgotten. Never read back.
  const [key, setKey] = useState('')
  const [keyBusy, setKeyBusy] = useState(false)
  const [keyResult, setKeyResult] = useState<Result>(null)

  const [testing, setTesting] = useState(false)
  const [testResult, setTestResult] = useState<Result>(null)

  const [baseUrl, setBaseUrl] = useState(state.baseUrl)
  const [urlDirty, setUrlDirty] = useState(false)
  const [urlBusy, setUrlBusy] = useState(false)
  const [urlResult, setUrlResult] = useState<Result>(null)

  const [polling, setPolling] = useState<PollingForm>(() => toPolling(state))
  const [pollingDirty, setPollingDirty] = useState(false)
  const [pollingBusy, setPollingBusy] = useState(false)
  const [pollingResult, setPollingResult] = useState<Result>(null)

  const [pauseBusy, setPauseBusy] = useState(false)

  // Follow changes from elsewhere unless the user is editing that part.
  useEffect(() => {
    if (!urlDirty) setBaseUrl(state.baseUrl)
  }, [state.baseUrl, urlDirty])
  useEffect(() => {
    if (!pollingDirty) setPolling(toPolling(state))
  }, [state, pollingDirty])

  const saveKey = async (e: FormEvent) => {
    e.preventDefault()
    await sendKey(key.trim())
  }

  const sendKey = async (value: string) => {
    if (isDemo) return
    setKeyBusy(true)
    setKeyResult(null)
    try {
      onSettings(await getBridge().setApiKey({ provider: provider as Exclude<ProviderId, 'demo'>, key: value }))
      setKey('')
      setTestResult(null)
      setKeyResult({ ok: true, message: value ? 'Key saved. Test the connection to check it.' : 'Key removed.' })
    } catch (err) {
      setKeyResult({ ok: false, message: errorMessage(err) })
    } finally {
      setKeyBusy(false)
    }
  }

  const test = async () => {
    setTesting(true)
    setTestResult(null)
    try {
      setTestResult(await getBridge().testConnection({ provider }))
    } catch (err) {
      setTestResult({ ok: false, message: errorMessage(err) })
    } finally {
      setTesting(false)
    }
  }

  const saveUrl = async (value: string) => {
    const problem = baseUrlProblem(value)
    if (problem) return setUrlResult({ ok: false, message: problem })
    setUrlBusy(true)
    setUrlResult(null)
    try {
      const next = await getBridge().updateSettings({ baseUrls: { [provider]: value.trim() } })
      onSettings(next)
      setUrlDirty(false)
      setBaseUrl(next.providers[provider].baseUrl)
      setTestResult(null)
      setUrlResult({ ok: true, message: value.trim() ? 'Base URL saved.' : 'Restored the default base URL.' })
    } catch (err) {
      setUrlResult({ ok: false, message: errorMessage(err).replace(/^Invalid argument to updateSettings: /, '') })
    } finally {
      setUrlBusy(false)
    }
  }

  const savePolling = async (e: FormEvent) => {
    e.preventDefault()
    const { value, problem } = checkPolling(polling)
    if (!value) return setPollingResult({ ok: false, message: problem! })
    setPollingBusy(true)
    setPollingResult(null)
    try {
      onSettings(await getBridge().updateSettings({ polling: { [provider]: value } }))
      setPollingDirty(false)
      setPollingResult({ ok: true, message: 'Polling settings saved; they apply to the next requests.' })
    } catch (err) {
      setPollingResult({ ok: false, message: errorMessage(err) })
    } finally {
      setPollingBusy(false)
    }
  }

  const setPaused = async (paused: boolean) => {
    setPauseBusy(true)
    try {
      onSettings(await getBridge().pauseProvider({ provider, paused }))
      // Main announces a pause itself (a notice); a resume it does not.
      if (!paused) push('success', `${info.label} resumed`)
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setPauseBusy(false)
    }
  }

  const editPolling = (patch: Partial<PollingForm>) => {
    setPolling((p) => ({ ...p, ...patch }))
    setPollingDirty(true)
    setPollingResult(null)
  }

  const defaultUrl = info.defaultBaseUrl
  const customUrl = !isDemo && state.baseUrl !== defaultUrl

  return (
    <div className="provider-panel" data-testid="provider-settings" data-provider={provider}>
      <header className="provider-panel-head">
        <div>
          <h2>{info.label}</h2>
          <p className="field-help">
            {info.models.length} models · speaks the {providerInfo(info.protocol).label.replace(/ \(.*\)$/, '')} API
          </p>
        </div>
        <div className="provider-state">
          {state.pausedReason ? (
            <span className="badge warn" title={state.pausedReason}>
              paused: {state.pausedReason}
            </span>
          ) : state.unreachable ? (
            <span className="badge error" role="status">
              {unreachableWords(state.unreachable)}
            </span>
          ) : (
            <span className="badge ok">active</span>
          )}
          <button type="button" className="button small" disabled={pauseBusy} onClick={() => void setPaused(!state.pausedReason)}>
            <ExtraIcon name={state.pausedReason ? 'play' : 'pause'} size={14} /> {state.pausedReason ? 'Resume provider' : 'Pause provider'}
          </button>
        </div>
      </header>

      <Row
        label="API key"
        htmlFor={isDemo ? undefined : `${id}-key`}
        help={
          isDemo
            ? undefined
            : `Stored by the app (encrypted where the system allows) and never shown again. ${info.envName}_API_KEY in the environment takes precedence.`
        }
      >
        {isDemo ? (
          <p className="muted">Not needed: the demo runs against the built-in offline simulator.</p>
        ) : (
          <form className="inline-form" onSubmit={(e) => void saveKey(e)} autoComplete="off">
            <span className={`key-state ${state.hasKey ? 'set' : 'unset'}`} data-testid="key-state">
              <ExtraIcon name="key" size={13} /> {state.hasKey ? 'key set' : 'no key'}
            </span>
            <input
              id={`${id}-key`}
              type="password"
              className="mono grow"
              autoComplete="off"
              spellCheck={false}
              placeholder={state.hasKey ? 'Enter a new key to replace it' : 'Paste the API key'}
              aria-label={`API key for ${info.label}`}
              value={key}
              onChange={(e) => {
                setKey(e.target.value)
                setKeyResult(null)
              }}
            />
            <button type="submit" className="button" disabled={keyBusy || !key.trim()}>
              Save key
            </button>
            <button type="button" className="button danger" disabled={keyBusy || !state.hasKey} onClick={() => void sendKey('')}>
              Clear key
            </button>
          </form>
        )}
        <Message result={keyResult} />
        {state.keyProblem && (
          <p className="settings-message error" role="alert">
            {state.keyProblem}
          </p>
        )}
      </Row>

      <Row label="Connection">
        <div className="inline-form">
          <button type="button" className="button" disabled={testing} onClick={() => void test()}>
            <ExtraIcon name="plug" size={14} /> {testing ? 'Testing…' : 'Test connection'}
          </button>
          {!isDemo && !state.hasKey && <span className="muted">Set a key first: without one the provider will refuse.</span>}
        </div>
        <Message result={testResult} testId="connection-result" />
      </Row>

      <ProviderModelsRow provider={provider} />

      <Row
        label="Base URL"
        htmlFor={`${id}-url`}
        help={
          isDemo
            ? 'The built-in simulator, started with the app.'
            : customUrl
              ? `Default: ${defaultUrl}`
              : 'The provider’s own API. Change it for a proxy or a compatible server.'
        }
      >
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            void saveUrl(baseUrl)
          }}
        >
          <input
            id={`${id}-url`}
            type="text"
            className="mono grow"
            spellCheck={false}
            readOnly={isDemo}
            placeholder={defaultUrl}
            value={baseUrl}
            aria-invalid={urlResult?.ok === false || undefined}
            onChange={(e) => {
              setBaseUrl(e.target.value)
              setUrlDirty(true)
              setUrlResult(null)
            }}
          />
          {!isDemo && (
            <>
              <button type="submit" className="button" disabled={urlBusy || !urlDirty}>
                Save URL
              </button>
              <button type="button" className="button" disabled={urlBusy || !customUrl} onClick={() => void saveUrl('')} title={`Back to ${defaultUrl}`}>
                Default
              </button>
            </>
          )}
        </form>
        <Message result={urlResult} testId="base-url-result" />
      </Row>

      <Row label="Polling" htmlFor={`${id}-strategy`} help={STRATEGY_HELP[polling.strategy]}>
        <form className="polling-form" noValidate onSubmit={(e) => void savePolling(e)}>
          <label className="field strategy-field" htmlFor={`${id}-strategy`}>
            <span className="field-label">Strategy</span>
            <select
              id={`${id}-strategy`}
              aria-label={`Polling strategy for ${info.label}`}
              value={polling.strategy}
              onChange={(e) => editPolling({ strategy: e.target.value as PollStrategyName })}
            >
              {POLL_STRATEGIES.map((s) => (
                <option key={s} value={s}>
                  {STRATEGY_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor={`${id}-rate`}>
            <span className="field-label" title="Requests per second: submits, status requests and downloads all count">
              Rate /s
            </span>
            <input
              id={`${id}-rate`}
              type="number"
              min={L.rate.min}
              max={L.rate.max}
              step={0.1}
              value={polling.rate}
              onChange={(e) => editPolling({ rate: e.target.value })}
            />
          </label>
          <label className="field" htmlFor={`${id}-burst`}>
            <span className="field-label" title="Requests that may go at once after a quiet spell">
              Burst
            </span>
            <input
              id={`${id}-burst`}
              type="number"
              min={L.burst.min}
              max={L.burst.max}
              step={1}
              value={polling.burst}
              onChange={(e) => editPolling({ burst: e.target.value })}
            />
          </label>
          <label className="field" htmlFor={`${id}-concurrency`}>
            <span className="field-label" title="Requests in flight at the same time">
              Concurrency
            </span>
            <input
              id={`${id}-concurrency`}
              type="number"
              min={L.concurrency.min}
              max={L.concurrency.max}
              step={1}
              value={polling.concurrency}
              onChange={(e) => editPolling({ concurrency: e.target.value })}
            />
          </label>
          <label className="field" htmlFor={`${id}-maxwait`}>
            <span className="field-label" title="Longest a job may run at the provider before it is handed to you; 0 = the model’s documented maximum">
              Max wait (s)
            </span>
            <input
              id={`${id}-maxwait`}
              type="number"
              min={L.maxWaitSeconds.min}
              max={L.maxWaitSeconds.max}
              step={1}
              value={polling.maxWaitSeconds}
              onChange={(e) => editPolling({ maxWaitSeconds: e.target.value })}
            />
          </label>
          <label className="field" htmlFor={`${id}-latency`}>
            <span
              className="field-label"
              title="The learned strategy's promise: once a job can be finished, it is looked at again within this many seconds; 0 = each model’s documented polling interval"
            >
              Notice within (s)
            </span>
            <input
              id={`${id}-latency`}
              type="number"
              min={L.latencySeconds.min}
              max={L.latencySeconds.max}
              step={0.5}
              value={polling.latencySeconds}
              disabled={polling.strategy !== 'learned'}
              onChange={(e) => editPolling({ latencySeconds: e.target.value })}
            />
          </label>
          <div className="polling-actions">
            <button type="submit" className="button primary" disabled={pollingBusy || !pollingDirty}>
              {pollingBusy ? 'Saving…' : 'Save polling'}
            </button>
            <button
              type="button"
              className="button"
              disabled={pollingBusy || !pollingDirty}
              onClick={() => {
                setPolling(toPolling(state))
                setPollingDirty(false)
                setPollingResult(null)
              }}
            >
              Revert
            </button>
          </div>
        </form>
        <Message result={pollingResult} testId="polling-result" />
      </Row>
    </div>
  )
}
