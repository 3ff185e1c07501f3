// What an imported CSV or JSONL file would queue, before anything is: the good rows (grouped into the
// queue calls they make) and every bad row with its line number. The user queues the good rows or goes
// back to fix the file; a call that fails part way says exactly what was and was not queued.
import { useState } from 'react'
import { providerInfo } from '../../../shared/catalogue'
import { getBridge } from '../bridge'
import { ModalDialog } from '../components/ModalDialog'
import { formatCount, plural } from '../format'
import { providerModelName } from '../modelNames'
import { errorMessage } from '../toasts'
import { linesNotQueued, type ReadResult, type RowDefaults } from '../../../shared/prompt-files'

export type ImportPhase = { phase: 'reading'; rowsRead: number } | { phase: 'ready'; result: ReadResult } | { phase: 'failed'; message: string }

/** Lists stay a few hundred items long whatever the file: the counts say the rest. */
const MAX_LISTED_PROBLEMS = 500
const MAX_LISTED_ROWS = 100

interface ImportReviewProps {
  fileName: string
  state: ImportPhase
  defaults: RowDefaults
  initialBatchName: string
  onQueued(jobs: number, batchName: string): void
  onClose(): void
}

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params)
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'defaults'
}

export function ImportReview({ fileName, state, defaults, initialBatchName, onQueued, onClose }: ImportReviewProps) {
  const [batchName, setBatchName] = useState(initialBatchName)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  /** Calls already made, when a later one failed: "Queue the rest" goes on from there. */
  const [sent, setSent] = useState<{ calls: number; jobs: number; batchId?: number }>({ calls: 0, jobs: 0 })

  const result = state.phase === 'ready' ? state.result : null
  const groups = result?.groups ?? []
  const jobs = groups.reduce((n, g) => n + g.jobs, 0)
  const problems = result?.problems ?? []
  // Every line kept out of the queue counts, a record over several lines as several.
  const badLines = linesNotQueued(problems)

  const queue = async () => {
    setError(null)
    const name = batchName.trim() || undefined
    // One import is one batch: the first group makes it, every other group (and "Queue the rest") adds to it.
    let { calls, jobs: queued, batchId } = sent
    try {
      for (; calls < groups.length; calls++) {
        const g = groups[calls]
        setBusy(groups.length > 1 ? `Queueing ${calls + 1} of ${groups.length} groups…` : 'Queueing…')
        const made = await getBridge().queuePrompts({
          prompts: g.prompts,
          count: g.count,
          provider: g.provider,
          model: g.model,
          params: g.params,
          batchName: name,
          batchId
        })
        batchId = made.batchId
        queued += made.jobIds.length
        setSent({ calls: calls + 1, jobs: queued, batchId })
      }
      onQueued(queued, name ?? '')
    } catch (err) {
      const g = groups[calls]
      setError(
        `${calls > 0 ? `Queued ${plural(queued, 'job')} from the first ${plural(calls, 'group')}; then ` : ''}${providerModelName(g.provider, g.model)} failed: ${errorMessage(err)}. ${
          calls > 0 ? 'The remaining groups were not queued.' : 'Nothing was queued.'
        }`
      )
    } finally {
      setBusy(null)
    }
  }

  const remainingJobs = jobs - sent.jobs
  const partly = sent.calls > 0
  const actions =
    state.phase === 'ready' ? (
      <>
        {busy && <span className="muted modal-progress">{busy}</span>}
        <button type="button" className="button" disabled={busy !== null} onClick={onClose}>
          {partly ? 'Close' : problems.length ? 'Cancel and fix the file' : 'Cancel'}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={busy !== null || groups.length === 0 || sent.calls >= groups.length}
          onClick={() => void queue()}
          data-testid="import-queue"
        >
          {partly
            ? `Queue the rest (${plural(remainingJobs, 'job')})`
            : problems.length
              ? `Queue the ${plural(result!.rows.length, 'good row')} (${plural(jobs, 'job')})`
              : `Queue ${plural(jobs, 'job')}`}
        </button>
      </>
    ) : (
      <button type="button" className="button" onClick={onClose}>
        {state.phase === 'reading' ? 'Stop' : 'Close'}
      </button>
    )

  return (
    <ModalDialog title={`Import ${fileName}`} onClose={onClose} busy={busy !== null} actions={actions} wide testId="import-review">
      {state.phase === 'reading' && (
        <p className="import-reading" role="status">
          Reading… {formatCount(state.rowsRead)} rows so far
        </p>
      )}
      {state.phase === 'failed' && (
        <p className="inline-error" role="alert">
          {state.message}
        </p>
      )}
      {result && (
        <>
          <p className="import-summary" data-testid="import-summary">
            <span className="import-good">
              <strong>{formatCount(result.rows.length)}</strong> good {result.rows.length === 1 ? 'row' : 'rows'} → <strong>{formatCount(jobs)}</strong>{' '}
              {jobs === 1 ? 'job' : 'jobs'}
            </span>
            {badLines > 0 && (
              <span className="import-bad">
                <strong>{formatCount(badLines)}</strong> {badLines === 1 ? 'line' : 'lines'} not queued
              </span>
            )}
          </p>

          {problems.length > 0 && (
            <section className="import-section">
              <h3>Not queued: fix these lines in the file, or queue the good rows without them</h3>
              <ol className="problem-list" data-testid="import-problems">
                {problems.slice(0, MAX_LISTED_PROBLEMS).map((p, i) => (
                  <li key={i}>
                    <span className="problem-line">{p.lastLine ? `lines ${p.line}–${p.lastLine}` : `line ${p.line}`}:</span> {p.message}
                  </li>
                ))}
              </ol>
              {problems.length > MAX_LISTED_PROBLEMS && <p className="muted">…and {plural(problems.length - MAX_LISTED_PROBLEMS, 'more problem')}.</p>}
            </section>
          )}

          {groups.length > 0 && (
            <section className="import-section">
              <h3>To queue</h3>
              <table className="import-table">
                <thead>
                  <tr>
                    <th scope="col">Provider · model</th>
                    <th scope="col">Parameters</th>
                    <th scope="col" className="num">
                      Per prompt
                    </th>
                    <th scope="col" className="num">
                      Prompts
                    </th>
                    <th scope="col" className="num">
                      Jobs
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g, i) => (
                    <tr key={i} className={i < sent.calls ? 'queued' : undefined}>
                      <td>{providerModelName(g.provider, g.model)}</td>
                      <td className="mono">{paramsText(g.params)}</td>
                      <td className="num">{g.count}</td>
                      <td className="num">{formatCount(g.prompts.length)}</td>
                      <td className="num">{i < sent.calls ? 'queued' : formatCount(g.jobs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <details className="import-rows">
                <summary>Show the {result.rows.length > MAX_LISTED_ROWS ? `first ${MAX_LISTED_ROWS} ` : ''}good rows</summary>
                <ol className="row-list">
                  {result.rows.slice(0, MAX_LISTED_ROWS).map((r) => (
                    <li key={r.line}>
                      <span className="problem-line">line {r.line}</span>
                      <span className="row-prompt">{r.prompt}</span>
                      <span className="muted">
                        {providerModelName(r.provider, r.model)} ×{r.count}
                      </span>
                    </li>
                  ))}
                </ol>
              </details>
              <p className="field-help">
                Rows without a provider or model use {providerModelName(defaults.provider, defaults.model ?? providerInfo(defaults.provider).models[0].id)} (the
                composer’s first model); without a count, {defaults.count} per prompt.
              </p>
            </section>
          )}

          {groups.length > 0 && (
            <label className="field">
              <span className="field-label">Batch name</span>
              <input
                type="text"
                maxLength={200}
                placeholder="Optional"
                value={batchName}
                disabled={busy !== null || partly}
                onChange={(e) => setBatchName(e.target.value)}
              />
            </label>
          )}

          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </ModalDialog>
  )
}
