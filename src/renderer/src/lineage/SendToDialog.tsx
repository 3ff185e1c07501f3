// Lineage in the renderer: Send to… (picked files → a new batch of next steps) and the parents/children
// strip. Send to… offers a step (upscale, edit, image to video, a new picture with it as reference), the
// models of every provider that can take it, an optional prompt and the model's parameters; main checks
// every file before anything is queued, and its refusal is shown here, with nothing half-queued.
import { useEffect, useId, useMemo, useState } from 'react'
import type { SendToRequest } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { ModalDialog } from '../components/ModalDialog'
import { defaultParamValues, ParamFields, paramsToSend, type ParamValues } from '../composer/ParamFields'
import { formatCount, MOD_KEY, plural } from '../format'
import { providerModelName } from '../modelNames'
import { errorMessage, useToasts } from '../toasts'
import { SEND_STEPS, stepModels, type SendStep } from './sendToSteps'
import './lineage.css'

/** What is sent: gallery items, every file of some jobs, or everything a gallery filter matches. */
export type SendSource = Pick<SendToRequest, 'assetIds' | 'jobIds' | 'filter'>

interface SendToDialogProps {
  source: SendSource
  /** How many files (or jobs) that is, for the title. */
  count: number
  what: 'picture' | 'job'
  onClose(): void
  onSent?(batchId: number): void
}

export function SendToDialog({ source, count, what, onClose, onSent }: SendToDialogProps) {
  const { push } = useToasts()
  const ids = useId()
  const [step, setStep] = useState<SendStep>('upscale')
  const models = useMemo(() => stepModels(step), [step])
  const [choice, setChoice] = useState<string>('')
  const chosen = models.find((m) => `${m.provider}/${m.info.id}` === choice && !m.blocked) ?? models.find((m) => !m.blocked)
  const [values, setValues] = useState<ParamValues>({})
  const [prompt, setPrompt] = useState('')
  const [batchName, setBatchName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    setValues(defaultParamValues(chosen?.info.params))
    setError(null)
  }, [chosen?.provider, chosen?.info])

  const fields = paramsToSend(chosen?.info.params, values)
  const problem = !chosen ? 'No model can take this step.' : fields.problem
  const send = async () => {
    if (!chosen || problem || busy) return
    setBusy(true)
    setError(null)
    try {
      const sent = await getBridge().sendTo({
        ...source,
        provider: chosen.provider,
        model: chosen.info.id,
        prompt: prompt.trim() || undefined,
        params: fields.params,
        batchName: batchName.trim() || undefined
      })
      push('success', `Sent ${plural(sent.jobIds.length, 'picture')} to ${providerModelName(chosen.provider, chosen.info.id)}`)
      onSent?.(sent.batchId)
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const title = `Send ${formatCount(count)} ${count === 1 ? what : `${what}s`} to…`
  return (
    <ModalDialog
      title={title}
      onClose={onClose}
      busy={busy}
      testId="send-to-dialog"
      actions={
        <>
          <button type="button" className="button" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button primary" disabled={busy || problem !== null} title={`Send (${MOD_KEY}+Enter)`} onClick={() => void send()}>
            {busy ? 'Sending…' : chosen ? `Send to ${providerModelName(chosen.provider, chosen.info.id)}` : 'Send'}
          </button>
        </>
      }
    >
      <form
        className="send-to"
        onSubmit={(e) => {
          e.preventDefault()
          void send()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            void send()
          }
        }}
      >
        <div className="segmented send-steps" role="radiogroup" aria-label="Next step">
          {SEND_STEPS.map((s) => (
            <label key={s.id} className={`segment${step === s.id ? ' on' : ''}`}>
              <input type="radio" name={`${ids}-step`} value={s.id} checked={step === s.id} onChange={() => setStep(s.id)} />
              {s.label}
            </label>
          ))}
        </div>
        <label className="field">
          <span className="field-label">Model</span>
          <select aria-label="Model" value={chosen ? `${chosen.provider}/${chosen.info.id}` : ''} onChange={(e) => setChoice(e.target.value)}>
            {models.map((m) => (
              <option key={`${m.provider}/${m.info.id}`} value={`${m.provider}/${m.info.id}`} disabled={m.blocked !== null}>
                {providerModelName(m.provider, m.info.id)}
                {m.blocked ? ` — ${m.blocked}` : ''}
              </option>
            ))}
          </select>
          <span className="field-help">Each {what === 'job' ? 'file of each job' : 'picture'} becomes one job that takes it as input, in a new batch.</span>
        </label>
        <label className="field">
          <span className="field-label">Prompt</span>
          <textarea
            aria-label="Prompt"
            rows={2}
            value={prompt}
            placeholder="Optional: empty keeps each picture’s own prompt"
            onChange={(e) => setPrompt(e.target.value)}
          />
        </label>
        {chosen?.info.params?.length ? (
          <ParamFields specs={chosen.info.params} values={values} labelPrefix={providerModelName(chosen.provider, chosen.info.id)} onChange={setValues} />
        ) : null}
        <label className="field">
          <span className="field-label">Batch name</span>
          <input type="text" aria-label="Batch name" maxLength={200} placeholder="Optional" value={batchName} onChange={(e) => setBatchName(e.target.value)} />
        </label>
        {(error ?? problem) && (
          <p className="inline-error" role="alert" data-testid="send-to-error">
            {error ?? problem}
          </p>
        )}
      </form>
    </ModalDialog>
  )
}
