// Where batches start. Prompts one per line (typed, pasted, or a .txt file imported or dropped anywhere on
// the window) make a matrix with the chosen models (across providers, suggested or typed in) and variations
// (a count per prompt, or a list of seeds); the preview says how many jobs that is before Queue. Models that
// start from a picture take the Input area's files. A CSV or JSONL file, whose rows name their own provider,
// model, params and count, is reviewed in a dialog first (ImportReview).
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react'
import { modelInfo, providerInfo, type JobKind, type ProviderId } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { formatCount, MOD_KEY, plural } from '../format'
import { useStableCallback } from '../hooks/useLatest'
import { useStoredState } from '../hooks/useStoredState'
import { errorMessage, useToasts } from '../toasts'
import { ImportReview, type ImportPhase } from './ImportReview'
import { formatOf, MAX_COUNT, MAX_PROMPT_LENGTH, txtPrompts, type ParamValue, type RowDefaults } from '../../../shared/prompt-files'
import { isPromptFile, readPromptsAsync } from './importPrompts'
import { useComposerInputs } from './composerInputs'
import { parseExtraParams } from './extraParams'
import { InputArea } from './InputArea'
import { countMatrix, isKnownModelKey, knownModelKeys, modelKey, modelLabel, parseSeeds, planMatrix, splitKey, type ModelKey, type Variations } from './matrix'
import { inputProblem, modelInput } from './modelInputs'
import { ModelPicker } from './ModelPicker'
import { PipelineSteps, type StepChoice } from './PipelineSteps'
import { parseSweep, sweepableParams } from './sweep'
import { defaultParamValues, ParamFields, paramsToSend, type ParamValues } from './ParamFields'
import { appendLines, parsePrompts } from './parsePrompts'
import { useBatchCost } from '../costs/useBatchCost'

/** One press of Queue makes at most this many jobs; more is almost surely a typo in a count or seed list. */
const MAX_JOBS_PER_QUEUE = 1_000_000
/**
 * A paste or .txt file longer than this is held as a list beside the text box rather than in it: a browser
 * text box lays out every line, and 100,000 lines would freeze the window for seconds.
 */
const LARGE_LIST_LINES = 5000

/** Prompts held outside the text box (a very long paste or file). */
interface PromptList {
  source: string
  prompts: string[]
  problem: string | null
}

function lineCount(text: string, atLeast: number): number {
  let n = 1
  for (let i = text.indexOf('\n'); i >= 0 && n <= atLeast; i = text.indexOf('\n', i + 1)) n++
  return n
}

interface ImportSession {
  fileName: string
  state: ImportPhase
  defaults: RowDefaults
  abort: AbortController
}

function firstModel(provider: ProviderId): ModelKey {
  return modelKey(provider, providerInfo(provider).models[0].id)
}

/** A model id the user typed in: what they said it makes, and the free JSON params box's text. */
interface OtherModel {
  kind: JobKind
  extraJson: string
}

export function Composer() {
  const { settings } = useAppData()
  const { push } = useToasts()
  const [text, setText] = useState('')
  const [list, setList] = useState<PromptList | null>(null)
  // The models the user chose come back after a reload (suggested ones only: a typed-in id needs its form).
  const [storedModels, storeModels] = useStoredState('composer.models', knownModelKeys)
  const [models, setModels] = useState<ModelKey[]>(storedModels ?? ['demo/images'])
  const modelsChosen = storedModels !== null
  const [params, setParams] = useState<Partial<Record<ModelKey, ParamValues>>>({})
  const [mode, setMode] = useState<'count' | 'seeds' | 'sweep'>('count')
  const [sweepParam, setSweepParam] = useState('')
  const [sweepText, setSweepText] = useState('')
  const [count, setCount] = useState('1')
  const [seedsText, setSeedsText] = useState('')
  const [otherModels, setOtherModels] = useState<Partial<Record<ModelKey, OtherModel>>>({})
  const { inputs } = useComposerInputs()
  const [batchName, setBatchName] = useState('')
  const [steps, setSteps] = useState<StepChoice[]>([])
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [dragging, setDragging] = useState(false)
  const [importing, setImporting] = useState<ImportSession | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const textarea = useRef<HTMLTextAreaElement>(null)
  const ids = useId()

  // The settings' default provider applies until the user picks models themselves.
  const defaultProvider = settings?.defaultProvider
  useEffect(() => {
    if (defaultProvider && !modelsChosen) setModels([firstModel(defaultProvider)])
  }, [defaultProvider, modelsChosen])

  // Parsing 100,000 pasted lines should not hold up typing: the preview may trail a keystroke behind.
  const deferredText = useDeferredValue(text)
  const parsed = useMemo(() => parsePrompts(deferredText), [deferredText])

  const countNumber = Number(count)
  const countProblem =
    mode === 'count' && !(Number.isInteger(countNumber) && countNumber >= 1 && countNumber <= MAX_COUNT)
      ? `Count per prompt must be a whole number from 1 to ${MAX_COUNT}.`
      : null
  const seeds = useMemo(() => parseSeeds(seedsText), [seedsText])
  const seedsProblem = mode === 'seeds' ? seeds.problem : null

  /** A suggested model's own fields, or the provider's generic ones for a typed-in id. */
  const specsOf = (key: ModelKey) => {
    const { provider, model } = splitKey(key)
    return modelInfo(provider, model)?.params ?? (otherModels[key] ? providerInfo(provider).genericParams : undefined)
  }
  const valuesOf = (key: ModelKey): ParamValues => params[key] ?? defaultParamValues(specsOf(key))
  // After specsOf: the sweep offers the parameters the chosen models share.
  const sweepable = sweepableParams(models.map((k) => specsOf(k)))
  const sweepSpec = sweepable.find((p) => p.name === sweepParam) ?? sweepable[0]
  const sweep = parseSweep(sweepText, sweepSpec, MAX_COUNT)
  const sweepProblem = mode === 'sweep' ? sweep.problem : null
  const variations: Variations =
    mode === 'count'
      ? { mode, count: countProblem ? 0 : countNumber }
      : mode === 'seeds'
        ? { mode, seeds: seeds.problem ? [] : seeds.seeds }
        : { mode, param: sweepSpec?.name ?? '', values: sweep.problem ? [] : sweep.values }
  const checked = models.map((key) => {
    const { provider, model } = splitKey(key)
    const other = otherModels[key]
    const fields = paramsToSend(specsOf(key), valuesOf(key))
    const extra = other ? parseExtraParams(other.extraJson) : { params: {}, problem: null }
    const input = modelInput(provider, model, other?.kind)
    return {
      key,
      kind: other?.kind,
      params: { ...fields.params, ...extra.params },
      // Only a model that takes input files is sent them; the others make their jobs from the prompt alone.
      inputs: input && inputs.length ? inputs.map((i) => i.ref) : undefined,
      problem: fields.problem || extra.problem ? `${modelLabel(key)}: ${fields.problem ?? extra.problem}` : inputProblem(modelLabel(key), input, inputs),
      takesInput: input !== undefined
    }
  })
  const modelProblem = checked.find((c) => c.problem)
  // A seed goes to the model's own Seed field; a model without one (LetzAI, the Demo) would refuse the job.
  const seedless = mode === 'seeds' ? models.filter((k) => !otherModels[k] && !specsOf(k)?.some((p) => p.name === 'seed')) : []
  const seedlessProblem = seedless.length
    ? `${seedless.map(modelLabel).join(', ')} take${seedless.length === 1 ? 's' : ''} no seed: choose Count instead (each variation is a new picture).`
    : null
  const promptCount = parsed.prompts.length + (list?.prompts.length ?? 0)
  const counted = countMatrix(promptCount, models.length, variations)
  // The estimate follows the matrix as it is typed (a few groups: cheap on every keystroke).
  const cost = useBatchCost(
    settings,
    checked.map((c) => ({ ...splitKey(c.key), params: c.params, jobs: promptCount * counted.variations }))
  )
  const problem =
    list?.problem ??
    parsed.problem ??
    (models.length === 0 ? 'Choose at least one model.' : null) ??
    countProblem ??
    seedsProblem ??
    sweepProblem ??
    seedlessProblem ??
    modelProblem?.problem ??
    cost.problem ??
    (counted.jobs > MAX_JOBS_PER_QUEUE ? `That is ${formatCount(counted.jobs)} jobs; at most ${formatCount(MAX_JOBS_PER_QUEUE)} can be queued at once.` : null)
  const canQueue = busy === null && promptCount > 0 && !problem && text === deferredText

  const submit = useStableCallback(async () => {
    if (importing) return
    if (!canQueue) {
      if (problem) setError(problem)
      return
    }
    if (cost.question && !cost.agreed) {
      cost.agree()
      return setError(cost.question)
    }
    const plan = planMatrix({
      prompts: list ? list.prompts.concat(parsed.prompts) : parsed.prompts,
      models: checked.map((c) => ({ key: c.key, kind: c.kind, params: c.params as Record<string, ParamValue>, inputs: c.inputs })),
      variations,
      batchName,
      steps: steps.map((s) => ({ ...s, params: {} }))
    })
    setBusy('Queueing…')
    setError(null)
    let made = 0
    let calls = 0
    // One queue action is one batch whatever its models: the first call makes it, the others add to it.
    let batchId: number | undefined
    try {
      for (const call of plan.calls) {
        if (plan.calls.length > 1) setBusy(`Queueing ${calls + 1} of ${plan.calls.length}…`)
        // The first call makes the batch and sets its budget (before any of its jobs can be sent).
        const queued = await getBridge().queuePrompts({
          ...call,
          batchId,
          ...(batchId === undefined && cost.budget !== null ? { budget: { amount: cost.budget, currency: 'usd' as const } } : {}),
          allowUnknownCost: cost.agreed
        })
        batchId = queued.batchId
        made += queued.jobIds.length
        calls++
      }
      setText('')
      setList(null)
      cost.reset()
      push('success', `Queued ${plural(made, 'job')}${batchName.trim() ? ` in “${batchName.trim()}”` : ''}`)
    } catch (err) {
      const failed = plan.calls[calls]
      const where = failed ? `${modelLabel(modelKey(failed.provider!, failed.model!))}: ` : ''
      // Never half a batch without saying so: what went, what did not, and the prompts stay for another try.
      const message =
        calls > 0
          ? `Queued ${plural(made, 'job')} (${calls} of ${plan.calls.length} groups), then ${where}${errorMessage(err)}. The remaining groups were not queued.`
          : `${where}${errorMessage(err)}`
      setError(message)
      push('error', `Could not queue: ${message}`)
    } finally {
      setBusy(null)
    }
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault()
        void submit()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [submit])

  /** A CSV or JSONL file: read it in slices, then let the user review it before anything is queued. */
  const reviewFile = useStableCallback(async (file: File) => {
    const first = models[0] ? splitKey(models[0]) : { provider: defaultProvider ?? 'demo', model: undefined }
    const defaults: RowDefaults = { provider: first.provider, model: first.model, count: mode === 'count' && !countProblem ? countNumber : 1 }
    const abort = new AbortController()
    const session: ImportSession = { fileName: file.name, state: { phase: 'reading', rowsRead: 0 }, defaults, abort }
    setImporting(session)
    const update = (state: ImportPhase) => setImporting((s) => (s && s.abort === abort ? { ...s, state } : s))
    try {
      const content = await file.text()
      const result = await readPromptsAsync(content, formatOf(file.name), defaults, {
        signal: abort.signal,
        onProgress: (rowsRead) => update({ phase: 'reading', rowsRead })
      })
      if (!abort.signal.aborted) update({ phase: 'ready', result })
    } catch (err) {
      if (!abort.signal.aborted) update({ phase: 'failed', message: `Could not read ${file.name}: ${errorMessage(err)}` })
    }
  })

  const importFiles = useStableCallback(async (files: readonly File[]) => {
    if (importing || !files.length) return
    const usable = files.filter(isPromptFile)
    if (!usable.length) {
      // A picture dropped beside the Input area was most likely meant for it.
      const media = files.every((f) => /^(image|video)\//.test(f.type))
      push(
        'error',
        media
          ? 'To start from a picture, drop it on the composer’s Input (it shows when an edit, upscale or image-to-video model is chosen).'
          : 'Only prompt files can be imported: .txt (one prompt a line), .csv or .jsonl.'
      )
      return
    }
    const structured = usable.filter((f) => formatOf(f.name) !== 'txt')
    if (structured.length) {
      if (usable.length > 1) push('info', `Importing ${structured[0].name} only: import one CSV or JSONL file at a time.`)
      void reviewFile(structured[0])
      return
    }
    try {
      // The same rules as the CLI's .txt files: blank lines and "#" comments are not prompts.
      const imported = (await Promise.all(usable.map((f) => f.text()))).map((c) => txtPrompts(c))
      const added = imported.reduce((n, lines) => n + lines.length, 0)
      if (added > LARGE_LIST_LINES || list) addToList(imported.flat(), usable.length === 1 ? usable[0].name : plural(usable.length, 'file'))
      else setText((current) => imported.reduce((t, lines) => appendLines(t, lines.join('\n')), current))
      setError(null)
      push('info', `Imported ${plural(added, 'prompt')} from ${usable.length === 1 ? usable[0].name : plural(usable.length, 'file')}`)
      textarea.current?.focus()
    } catch (err) {
      push('error', `Could not read the file: ${errorMessage(err)}`)
    }
  })

  // Files dropped anywhere on the window land here (unless a view took the drop for itself).
  useEffect(() => {
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files')
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return
      // Over a target that takes the files itself (the composer's Input), the prompt-file overlay steps aside.
      if (e.defaultPrevented) return setDragging(false)
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
      setDragging(true)
    }
    const leave = (e: DragEvent) => {
      // Leaving the window: no element is entered.
      if (e.relatedTarget === null) setDragging(false)
    }
    const drop = (e: DragEvent) => {
      setDragging(false)
      if (!hasFiles(e) || e.defaultPrevented) return
      e.preventDefault()
      void importFiles([...(e.dataTransfer?.files ?? [])])
    }
    const end = () => setDragging(false)
    window.addEventListener('dragover', over)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    window.addEventListener('dragend', end)
    return () => {
      window.removeEventListener('dragover', over)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
      window.removeEventListener('dragend', end)
    }
  }, [importFiles])

  const addToList = (added: string[], source: string) =>
    setList((current) => {
      const prompts = current ? current.prompts.concat(added) : added
      const long = prompts.findIndex((p) => p.length > MAX_PROMPT_LENGTH)
      return {
        source: current ? `${current.source} + ${source}` : source,
        prompts,
        problem: long >= 0 ? `Loaded prompt ${formatCount(long + 1)} is longer than ${formatCount(MAX_PROMPT_LENGTH)} characters.` : null
      }
    })

  const closeImport = () => {
    importing?.abort.abort()
    setImporting(null)
  }

  const chooseModels = (next: ModelKey[]) => {
    storeModels(next.filter(isKnownModelKey))
    setModels(next)
    setError(null)
  }

  const addOtherModel = (key: ModelKey, kind: JobKind) => {
    const { provider, model } = splitKey(key)
    if (!modelInfo(provider, model)) setOtherModels((o) => ({ ...o, [key]: { kind, extraJson: o[key]?.extraJson ?? '' } }))
    if (!models.includes(key)) chooseModels([...models, key])
  }

  const warnings = [...new Set(models.map((k) => splitKey(k).provider))].flatMap((p) => {
    const state = settings?.providers[p]
    const label = providerInfo(p).label
    if (state?.pausedReason) return [`${label} is paused: ${state.pausedReason}`]
    if (p !== 'demo' && state && !state.hasKey) return [`No API key is set for ${label}.`]
    return []
  })

  const variationsLabel =
    mode === 'count'
      ? plural(countProblem ? 0 : countNumber, 'variation')
      : mode === 'seeds'
        ? plural(variations.mode === 'seeds' ? variations.seeds.length : 0, 'seed')
        : `${variations.mode === 'sweep' ? variations.values.length : 0} × ${sweepSpec?.label ?? 'parameter'}`
  const paramModels = models.filter((k) => specsOf(k)?.length || otherModels[k])
  const takesInput = checked.some((c) => c.takesInput)

  return (
    <aside className={`composer${dragging ? ' dragging' : ''}`} aria-label="Composer">
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
          <button
            type="button"
            className="link-button"
            onClick={() => fileInput.current?.click()}
            title="Load prompts from a .txt (one per line), .csv or .jsonl file — or drop one on the window"
          >
            <Icon name="upload" size={14} /> Import file
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".txt,.csv,.jsonl,.ndjson,.json,.md,text/plain,text/csv"
            multiple
            hidden
            aria-label="Import prompt file"
            onChange={(e) => {
              void importFiles([...(e.target.files ?? [])])
              e.target.value = ''
            }}
          />
        </div>

        <div className="composer-fields">
          {list && (
            <div className="prompt-list" data-testid="prompt-list">
              <Icon name="queue" size={16} />
              <span className="prompt-list-text">
                <span>
                  <strong>{formatCount(list.prompts.length)}</strong> {list.prompts.length === 1 ? 'prompt' : 'prompts'} from {list.source}
                </span>
                <span className="muted" title={list.prompts[0]}>
                  {list.prompts[0]}
                  {list.prompts.length > 1 ? ' …' : ''}
                </span>
              </span>
              <button type="button" className="icon-button" aria-label="Remove the pasted or loaded list" title="Remove" onClick={() => setList(null)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          )}
          <textarea
            ref={textarea}
            className={`prompt-input${list ? ' with-list' : ''}`}
            aria-label="Prompts"
            placeholder={
              list ? 'More prompts, one per line' : 'One prompt per line\na lighthouse at dawn\na fox in the snow\n\nor drop a .txt, .csv or .jsonl file'
            }
            value={text}
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value)
              setError(null)
            }}
            onPaste={(e) => {
              const pasted = e.clipboardData.getData('text/plain')
              if (lineCount(pasted, LARGE_LIST_LINES) <= LARGE_LIST_LINES) return
              e.preventDefault()
              const { prompts } = parsePrompts(pasted)
              addToList(prompts, 'the clipboard')
              push('info', `Pasted ${plural(prompts.length, 'prompt')}: held as a list (too many lines for the text box)`)
            }}
          />

          <ModelPicker
            value={models}
            otherKinds={Object.fromEntries(Object.entries(otherModels).map(([k, o]) => [k, o!.kind]))}
            settings={settings}
            onChange={chooseModels}
            onAddOther={addOtherModel}
          />

          {(takesInput || inputs.length > 0) && (
            <InputArea note={takesInput ? null : 'None of the chosen models takes an input: choose an edit, upscale or image-to-video model.'} />
          )}

          <div className="field">
            <div className="variation-head">
              <span className="field-label" id={`${ids}-var`}>
                Variations
              </span>
              <div className="segmented" role="radiogroup" aria-labelledby={`${ids}-var`}>
                {(['count', 'seeds', 'sweep'] as const).map((m) => (
                  <label key={m} className={`segment${mode === m ? ' on' : ''}`}>
                    <input type="radio" name={`${ids}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
                    {m === 'count' ? 'Count' : m === 'seeds' ? 'Seeds' : 'Sweep'}
                  </label>
                ))}
              </div>
            </div>
            {mode === 'count' ? (
              <div className="inline-field">
                <input
                  id={`${ids}-count`}
                  aria-label="Count per prompt"
                  type="number"
                  min={1}
                  max={MAX_COUNT}
                  value={count}
                  onChange={(e) => setCount(e.target.value)}
                />
                <span className="muted">per prompt and model</span>
              </div>
            ) : mode === 'sweep' ? (
              <div className="inline-field">
                <select aria-label="Sweep parameter" value={sweepSpec?.name ?? ''} onChange={(e) => setSweepParam(e.target.value)}>
                  {sweepable.length === 0 && <option value="">No shared parameter</option>}
                  {sweepable.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.label}
                    </option>
                  ))}
                </select>
                <input
                  aria-label="Sweep values"
                  type="text"
                  className="mono grow"
                  placeholder="e.g. 1-5 or 1, 3, 5"
                  value={sweepText}
                  onChange={(e) => setSweepText(e.target.value)}
                />
                <span className="muted">one job per value, each a page of the batch’s comparison sheet</span>
              </div>
            ) : (
              <div className="inline-field">
                <input
                  aria-label="Seed list"
                  type="text"
                  className="mono grow"
                  placeholder="e.g. 1, 2, 3 or 10 20 30"
                  value={seedsText}
                  onChange={(e) => setSeedsText(e.target.value)}
                />
                <span className="muted">one job per seed, sent as the model’s Seed: the same seed and prompt make the same picture again</span>
              </div>
            )}
          </div>

          {paramModels.map((key) => {
            const other = otherModels[key]
            const extraProblem = other ? parseExtraParams(other.extraJson).problem : null
            return (
              <div key={key} className="param-group">
                <span className="param-group-title">
                  {modelLabel(key)}
                  {other && <span className="muted"> · typed-in {other.kind} model</span>}
                </span>
                {specsOf(key)?.length ? (
                  <ParamFields
                    specs={specsOf(key)!}
                    values={valuesOf(key)}
                    labelPrefix={modelLabel(key)}
                    onChange={(values) => setParams((p) => ({ ...p, [key]: values }))}
                  />
                ) : null}
                {other && (
                  <label className="field">
                    <span className="field-label">Extra parameters (JSON)</span>
                    <textarea
                      className="mono extra-params"
                      aria-label={`${modelLabel(key)} extra parameters (JSON)`}
                      aria-invalid={extraProblem !== null}
                      rows={2}
                      spellCheck={false}
                      placeholder='{"steps": 30}'
                      value={other.extraJson}
                      onChange={(e) => {
                        const extraJson = e.target.value
                        setOtherModels((o) => ({ ...o, [key]: { ...other, extraJson } }))
                        setError(null)
                      }}
                    />
                    {extraProblem ? (
                      <span className="field-error">{extraProblem}</span>
                    ) : (
                      <span className="field-help">Sent as they are, beside the fields above; the provider’s own refusal shows on the job.</span>
                    )}
                  </label>
                )}
              </div>
            )
          })}

          <PipelineSteps value={steps} onChange={setSteps} />

          <label className="field" htmlFor={`${ids}-batch`}>
            <span className="field-label">Batch name</span>
            <input id={`${ids}-batch`} type="text" maxLength={200} placeholder="Optional" value={batchName} onChange={(e) => setBatchName(e.target.value)} />
          </label>

          {warnings.map((w) => (
            <p key={w} className="composer-warning">
              <Icon name="warning" size={14} /> {w}
            </p>
          ))}
        </div>

        <div className="composer-footer">
          <p className="job-preview" data-testid="job-preview" aria-live="polite">
            {formatCount(promptCount)} {promptCount === 1 ? 'prompt' : 'prompts'} × {plural(models.length, 'model')} × {variationsLabel} ={' '}
            <strong>{plural(counted.jobs, 'job')}</strong>
          </p>
          {cost.view}
          {(error ?? problem) && (
            <p className="inline-error" role="alert">
              {error ?? problem}
            </p>
          )}
          <button type="submit" className="button primary queue-button" disabled={!canQueue} title={`Queue (${MOD_KEY}+Enter)`}>
            {busy ?? (cost.agreed ? 'Queue anyway' : 'Queue')}
          </button>
          <span className="shortcut-hint" aria-hidden="true">
            {MOD_KEY}+Enter
          </span>
        </div>
      </form>
      {dragging && (
        <div className="drop-overlay window" aria-hidden="true">
          <Icon name="upload" size={28} />
          Drop a prompt file: .txt (one per line), .csv or .jsonl
        </div>
      )}
      {importing && (
        <ImportReview
          fileName={importing.fileName}
          state={importing.state}
          defaults={importing.defaults}
          initialBatchName={batchName.trim() || importing.fileName.replace(/\.[^.]+$/, '')}
          onQueued={(jobs, name) => {
            setImporting(null)
            push('success', `Queued ${plural(jobs, 'job')} from ${importing.fileName}${name ? ` in “${name}”` : ''}`)
          }}
          onClose={closeImport}
        />
      )}
    </aside>
  )
}
