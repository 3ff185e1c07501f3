// Where batches start: prompts one per line (typed, pasted, or dropped in as a .txt file), how many
// results each, which provider and model, then Queue.
import { useEffect, useId, useMemo, useRef, useState, type DragEvent } from 'react'
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { formatCount, MOD_KEY, plural } from '../format'
import { useStableCallback } from '../hooks/useLatest'
import { errorMessage, useToasts } from '../toasts'
import { defaultParamValues, ParamFields, paramsToSend, type ParamValues } from './ParamFields'
import { appendLines, parsePrompts } from './parsePrompts'

const MAX_COUNT = 100

export function Composer() {
  const { settings } = useAppData()
  const { push } = useToasts()
  const [text, setText] = useState('')
  const [count, setCount] = useState('1')
  const [provider, setProvider] = useState<ProviderId>('demo')
  const [providerChosen, setProviderChosen] = useState(false)
  const [model, setModel] = useState(PROVIDERS[0].models[0].id)
  const [params, setParams] = useState<ParamValues>(() => defaultParamValues(PROVIDERS[0].models[0].params))
  const [batchName, setBatchName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [dragging, setDragging] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const textarea = useRef<HTMLTextAreaElement>(null)
  const ids = useId()

  const info = providerInfo(provider)
  const modelSpec = info.models.find((m) => m.id === model) ?? info.models[0]

  const chooseProvider = useStableCallback((id: ProviderId) => {
    const next = providerInfo(id)
    setProvider(id)
    // Keep the model when the new provider has it too (Demo and LetzAI share theirs).
    const keep = next.models.find((m) => m.id === model) ?? next.models[0]
    setModel(keep.id)
    setParams(defaultParamValues(keep.params))
  })

  // The settings' default provider applies until the user picks one themselves.
  const defaultProvider = settings?.defaultProvider
  useEffect(() => {
    if (defaultProvider && !providerChosen) chooseProvider(defaultProvider)
  }, [defaultProvider, providerChosen, chooseProvider])

  const parsed = useMemo(() => parsePrompts(text), [text])
  const countNumber = Number(count)
  const countProblem = Number.isInteger(countNumber) && countNumber >= 1 && countNumber <= MAX_COUNT ? null : `Count per prompt must be a whole number from 1 to ${MAX_COUNT}.`
  const paramCheck = paramsToSend(modelSpec.params, params)
  const problem = parsed.problem ?? countProblem ?? paramCheck.problem
  const jobs = parsed.prompts.length * (countProblem ? 0 : countNumber)
  const providerState = settings?.providers[provider]
  const canQueue = !busy && parsed.prompts.length > 0 && !problem

  const submit = useStableCallback(async () => {
    if (!canQueue) {
      if (problem) setError(problem)
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { jobIds } = await getBridge().queuePrompts({
        prompts: parsed.prompts,
        count: countNumber,
        provider,
        model: modelSpec.id,
        kind: modelSpec.kind,
        params: paramCheck.params,
        batchName: batchName.trim() || undefined
      })
      setText('')
      push('success', `Queued ${plural(jobIds.length, 'job')}${batchName.trim() ? ` in “${batchName.trim()}”` : ''}`)
    } catch (err) {
      const message = errorMessage(err)
      setError(message)
      push('error', `Could not queue: ${message}`)
    } finally {
      setBusy(false)
    }
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault()
        void submit()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [submit])

  const importFiles = async (files: FileList | null) => {
    const textFiles = [...(files ?? [])].filter((f) => f.type.startsWith('text/') || /\.(txt|csv|md)$/i.test(f.name))
    if (!textFiles.length) {
      if (files?.length) push('error', 'Only text files (.txt) can be imported: one prompt per line.')
      return
    }
    try {
      const contents = await Promise.all(textFiles.map((f) => f.text()))
      setText((current) => contents.reduce(appendLines, current))
      const added = contents.reduce((n, c) => n + parsePrompts(c).prompts.length, 0)
      push('info', `Imported ${plural(added, 'line')} from ${textFiles.length === 1 ? textFiles[0].name : plural(textFiles.length, 'file')}`)
      textarea.current?.focus()
    } catch (err) {
      push('error', `Could not read the file: ${errorMessage(err)}`)
    }
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    void importFiles(e.dataTransfer.files)
  }

  return (
    <aside
      className={`composer${dragging ? ' dragging' : ''}`}
      aria-label="Composer"
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <form
        className="composer-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="composer-head">
          <h2>New batch</h2>
          <button type="button" className="link-button" onClick={() => fileInput.current?.click()} title="Load a .txt file, one prompt per line (or drop it here)">
            <Icon name="upload" size={14} /> Import .txt
          </button>
          <input ref={fileInput} type="file" accept=".txt,.csv,.md,text/plain" multiple hidden aria-label="Import text file" onChange={(e) => {
            void importFiles(e.target.files)
            e.target.value = ''
          }} />
        </div>

        <textarea
          ref={textarea}
          className="prompt-input"
          aria-label="Prompts"
          placeholder={'One prompt per line\na lighthouse at dawn\na fox in the snow'}
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value)
            setError(null)
          }}
        />

        <div className="field-row">
          <label className="field" htmlFor={`${ids}-count`}>
            <span className="field-label">Per prompt</span>
            <input id={`${ids}-count`} aria-label="Count per prompt" type="number" min={1} max={MAX_COUNT} value={count} onChange={(e) => setCount(e.target.value)} />
          </label>
          <label className="field grow" htmlFor={`${ids}-batch`}>
            <span className="field-label">Batch name</span>
            <input id={`${ids}-batch`} type="text" maxLength={200} placeholder="Optional" value={batchName} onChange={(e) => setBatchName(e.target.value)} />
          </label>
        </div>

        <label className="field" htmlFor={`${ids}-provider`}>
          <span className="field-label">Provider</span>
          <select
            id={`${ids}-provider`}
            value={provider}
            onChange={(e) => {
              setProviderChosen(true)
              chooseProvider(e.target.value as ProviderId)
            }}
          >
            {PROVIDERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>

        <label className="field" htmlFor={`${ids}-model`}>
          <span className="field-label">Model</span>
          <select
            id={`${ids}-model`}
            value={modelSpec.id}
            onChange={(e) => {
              const next = info.models.find((m) => m.id === e.target.value) ?? info.models[0]
              setModel(next.id)
              setParams(defaultParamValues(next.params))
            }}
          >
            {info.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label} · {m.kind}
              </option>
            ))}
          </select>
        </label>

        {modelSpec.params && modelSpec.params.length > 0 && <ParamFields specs={modelSpec.params} values={params} onChange={setParams} />}

        {providerState?.pausedReason ? (
          <p className="composer-warning">
            <Icon name="warning" size={14} /> {info.label} is paused: {providerState.pausedReason}
          </p>
        ) : provider !== 'demo' && providerState && !providerState.hasKey ? (
          <p className="composer-warning">
            <Icon name="warning" size={14} /> No API key is set for {info.label}.
          </p>
        ) : null}

        <div className="composer-footer">
          <p className="job-preview" data-testid="job-preview" aria-live="polite">
            <strong>{formatCount(parsed.prompts.length)}</strong> {parsed.prompts.length === 1 ? 'prompt' : 'prompts'} × {countProblem ? '?' : countNumber} ={' '}
            <strong>{formatCount(jobs)}</strong> {jobs === 1 ? 'job' : 'jobs'}
          </p>
          {(error ?? problem) && (
            <p className="inline-error" role="alert">
              {error ?? problem}
            </p>
          )}
          <button type="submit" className="button primary queue-button" disabled={!canQueue} title={`Queue (${MOD_KEY}+Enter)`}>
            {busy ? 'Queueing…' : 'Queue'}
          </button>
          <span className="shortcut-hint" aria-hidden="true">
            {MOD_KEY}+Enter
          </span>
        </div>
      </form>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="upload" size={28} />
          Drop a .txt file: one prompt per line
        </div>
      )}
    </aside>
  )
}
