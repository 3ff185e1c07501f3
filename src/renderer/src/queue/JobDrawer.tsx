// Everything about one job: its prompt and parameters, the files it started from, where it is at the
// provider, what happened to it and when, what the provider last said, and what it produced. Follows the job
// live while open.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Asset, Job, JobEvent } from '../../../shared/contract'
import { modelInfo, providerInfo } from '../../../shared/catalogue'
import { canRetry } from '../../../shared/model'
import { getBridge } from '../bridge'
import { AssetMedia, AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { ProgressBar } from '../components/ProgressBar'
import { StatusChip } from '../components/StatusChip'
import { modelName } from '../modelNames'
import { formatBytes, formatDateTime, formatDuration, formatTime, isActive, jobElapsed, plural } from '../format'
import { useBridgeEvent, useResync } from '../hooks/useBridgeEvent'
import { useNow } from '../hooks/useNow'
import { useThrottled } from '../hooks/useThrottled'
import { errorMessage, useToasts } from '../toasts'
import { AssetActions } from './AssetActions'
import { JobCostFacts } from '../costs/JobCostFacts'
import type { JobCost } from '../../../shared/costs'
import { ExtraIcon } from './ExtraIcon'
import { setBatchPausedLocally, useBatches } from './useBatches'
import { LineageStrip } from '../lineage/LineageStrip'

interface Detail {
  job: Job
  events: JobEvent[]
  assets: Asset[]
  lastResponse: string | null
  cost?: JobCost | null
}

/** Longer responses are cut for display (the block is for reading, not for a 10 MB dump). */
const MAX_RESPONSE_CHARS = 200_000

/** The provider's response as stored ("HTTP 200 <url>" then the body), the body indented when it is JSON. */
function prettyResponse(raw: string): string {
  const text = raw.length > MAX_RESPONSE_CHARS ? raw.slice(0, MAX_RESPONSE_CHARS) : raw
  const bodyAt = /^[[{]/.test(text) ? 0 : text.search(/\n[[{]/) + 1
  let out = text
  if (bodyAt >= 0) {
    try {
      out = `${text.slice(0, bodyAt)}${JSON.stringify(JSON.parse(text.slice(bodyAt)), null, 2)}`
    } catch {
      // Not JSON (or cut short): shown as it came.
    }
  }
  return raw.length > MAX_RESPONSE_CHARS ? `${out}\n… (${raw.length.toLocaleString()} characters in all)` : out
}

/** The seed a job was made with, or why it has none: a variation made by Count sends no seed, and some providers take none. */
function seedOf(job: Job): string {
  const seed = job.params.seed
  if (seed !== undefined && seed !== null && seed !== '') return String(seed)
  const takesSeed = modelInfo(job.provider, job.model)?.params?.some((p) => p.name === 'seed')
  if (takesSeed === false)
    return `None: ${providerInfo(job.provider).label} takes no seed, so each variation is a new picture (told apart by its provider job id)`
  return 'Random: none was sent, so the provider chose one'
}

/** `focusRequest`: a new number moves keyboard focus into the drawer (Enter on a row); 0 leaves it where it is. */
export function JobDrawer({
  jobId,
  onClose,
  focusRequest = 0,
  onOpenJob
}: {
  jobId: number
  onClose(): void
  focusRequest?: number
  onOpenJob?(id: number): void
}) {
  const aside = useRef<HTMLElement>(null)
  useEffect(() => {
    if (focusRequest) aside.current?.focus()
  }, [focusRequest])
  const { push } = useToasts()
  const [detail, setDetail] = useState<Detail | null>(null)
  const [missing, setMissing] = useState(false)
  const [busy, setBusy] = useState(false)
  const batches = useBatches()

  const load = useCallback(() => {
    getBridge()
      .getJob({ id: jobId })
      .then(
        (found) => {
          // A slow answer for the job shown before must not replace the one now shown.
          if (found && found.job.id !== jobId) return
          setDetail(found)
          setMissing(found === null)
        },
        (err) => push('error', `Could not load job ${jobId}: ${errorMessage(err)}`)
      )
  }, [jobId, push])

  useEffect(() => {
    setDetail((d) => (d?.job.id === jobId ? d : null))
    setMissing(false)
    load()
  }, [jobId, load])
  useResync(load)

  // The pushed row updates status and progress at once; history and files need a fetch, spaced out.
  const reloadSoon = useThrottled(load, 500)
  useBridgeEvent('jobsChanged', ({ jobs }) => {
    const pushed = jobs.find((j) => j.id === jobId)
    if (!pushed) return
    setDetail((d) => (d && d.job.id === jobId && pushed.updatedAt >= d.job.updatedAt ? { ...d, job: pushed } : d))
    reloadSoon()
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault()
        onClose()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const job = detail?.job
  const now = useNow(1000, job ? isActive(job.status) : false)

  const batch = job ? batches.find((b) => b.id === job.batchId) : undefined
  const response = useMemo(() => (detail?.lastResponse ? prettyResponse(detail.lastResponse) : null), [detail?.lastResponse])

  const pauseBatch = async (paused: boolean) => {
    if (!job) return
    setBusy(true)
    try {
      const { changed } = await getBridge().pauseBatch({ batchId: job.batchId, paused })
      setBatchPausedLocally(job.batchId, paused)
      push(
        'success',
        paused
          ? `Paused batch “${job.batchName}”: ${plural(changed, 'queued job')} wait${changed === 1 ? 's' : ''}; jobs already at the provider still finish`
          : `Resumed batch “${job.batchName}”${changed ? `: ${plural(changed, 'queued job')} go${changed === 1 ? 'es' : ''} on` : ''}`
      )
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const act = async (action: 'retryJobs' | 'cancelJobs') => {
    setBusy(true)
    try {
      const { changed } = await getBridge()[action]({ ids: [jobId] })
      push(changed ? 'success' : 'info', changed ? `Job ${jobId} ${action === 'retryJobs' ? 'queued again' : 'canceled'}` : `Job ${jobId} was not changed`)
      load()
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <aside ref={aside} tabIndex={-1} className="drawer" role="complementary" aria-label="Job details" data-testid="job-drawer">
      <header className="drawer-header">
        <h2>Job {jobId}</h2>
        {job && <StatusChip status={job.status} />}
        <button type="button" className="icon-button" aria-label="Close details" title="Close (Esc)" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {missing && <p className="drawer-empty">This job no longer exists.</p>}
      {!missing && !job && <p className="drawer-empty">Loading…</p>}
      {job && detail && (
        <div className="drawer-body">
          <section>
            <div className="section-title">
              <h3>Prompt</h3>
              <button
                type="button"
                className="link-button"
                onClick={() => void navigator.clipboard?.writeText(job.prompt).then(() => push('info', 'Prompt copied'))}
              >
                Copy
              </button>
            </div>
            <p className="drawer-prompt">{job.prompt}</p>
          </section>

          {isActive(job.status) && (
            <section>
              <ProgressBar value={job.progress} working={job.status !== 'queued'} />
            </section>
          )}

          {job.error && (
            <section className="drawer-error" role="alert">
              <Icon name="warning" />
              <span>{job.error}</span>
            </section>
          )}

          <section>
            <h3>Details</h3>
            <dl className="facts">
              <dt>Provider</dt>
              <dd>{providerInfo(job.provider).label}</dd>
              <dt>Model</dt>
              <dd>
                <span title={job.model}>{modelName(job.provider, job.model)}</span>
              </dd>
              <dt>Batch</dt>
              <dd>
                {job.batchName}
                {batch?.paused && (
                  <>
                    {' '}
                    <span className="badge warn">paused</span>
                  </>
                )}
              </dd>
              <dt>Seed</dt>
              <dd>{seedOf(job)}</dd>
              <dt>Provider job id</dt>
              <dd className="mono">{job.providerJobId ?? '—'}</dd>
              <dt>Provider status</dt>
              <dd className="mono">{job.rawStatus ?? '—'}</dd>
              <dt>Attempts / polls</dt>
              <dd>
                {job.attempts} / {job.polls}
              </dd>
              <dt>Queued</dt>
              <dd>{formatDateTime(job.createdAt)}</dd>
              <dt>Submitted</dt>
              <dd>{job.submittedAt ? formatDateTime(job.submittedAt) : '—'}</dd>
              <dt>Finished</dt>
              <dd>{job.finishedAt ? formatDateTime(job.finishedAt) : '—'}</dd>
              <dt>Elapsed</dt>
              <dd>{formatDuration(jobElapsed(job, isActive(job.status) ? now : (job.finishedAt ?? job.updatedAt)))}</dd>
              {job.nextPollAt && isActive(job.status) && (
                <>
                  <dt>Next poll</dt>
                  <dd>{formatTime(job.nextPollAt)}</dd>
                </>
              )}
              <JobCostFacts cost={detail.cost} />
              {job.parentJobId && (
                <>
                  <dt>Parent job</dt>
                  <dd>Job {job.parentJobId}</dd>
                </>
              )}
            </dl>
          </section>

          <section>
            <h3>Parameters</h3>
            {Object.keys(job.params).length === 0 ? (
              <p className="muted">Model defaults</p>
            ) : (
              <dl className="facts">
                {Object.entries(job.params).map(([k, v]) => (
                  <div key={k} className="fact">
                    <dt>{k}</dt>
                    <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>

          {job.inputs.length > 0 && (
            <section>
              <h3>Input files</h3>
              <ul className="drawer-inputs" aria-label="Input files">
                {job.inputs.map((input) => (
                  <li key={input.path}>
                    {input.assetId !== undefined ? (
                      // A gallery item: its thumbnail, opening the file itself.
                      <a href={getBridge().assetUrl(input.assetId, 'file')} target="_blank" rel="noreferrer" title={input.path}>
                        <AssetThumb assetId={input.assetId} mime="image/*" alt={`Gallery item ${input.assetId}`} className="drawer-input-thumb" />
                        <span>Gallery item {input.assetId}</span>
                      </a>
                    ) : (
                      <span className="mono path" title={input.path}>
                        {input.path}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          {onOpenJob && <LineageStrip jobId={job.id} onOpen={(j) => onOpenJob(j.id)} />}

          {detail.assets.length > 0 && (
            <section>
              <h3>Files</h3>
              <div className="drawer-assets">
                {detail.assets.map((asset) => (
                  <figure key={asset.id}>
                    <AssetMedia asset={asset} className="drawer-media" />
                    <figcaption>
                      <span>
                        {asset.width && asset.height ? `${asset.width}×${asset.height} · ` : ''}
                        {formatBytes(asset.size)} · {asset.mime}
                      </span>
                      <AssetActions asset={asset} />
                    </figcaption>
                  </figure>
                ))}
              </div>
            </section>
          )}

          <section>
            <h3>History</h3>
            <ol className="timeline">
              {detail.events.map((ev) => (
                <li key={ev.id}>
                  <time dateTime={new Date(ev.at).toISOString()} title={formatDateTime(ev.at)}>
                    {formatTime(ev.at)}
                  </time>
                  <span className="timeline-type">{ev.type}</span>
                  <span className="timeline-message">{ev.message}</span>
                </li>
              ))}
            </ol>
          </section>

          <section>
            <details className="raw-response" data-testid="raw-response">
              <summary>
                <h3>Last provider response</h3>
              </summary>
              {response ? (
                <pre className="mono">{response}</pre>
              ) : (
                <p className="muted">Nothing yet: the provider has not answered a status request for this job.</p>
              )}
            </details>
          </section>
        </div>
      )}
      {job && (
        <footer className="drawer-actions">
          <button type="button" className="button" disabled={busy || !canRetry(job.status)} onClick={() => void act('retryJobs')}>
            <Icon name="retry" /> Retry job
          </button>
          <button type="button" className="button danger" disabled={busy || !isActive(job.status)} onClick={() => void act('cancelJobs')}>
            <Icon name="cancel" /> Cancel job
          </button>
          {batch && (
            <button
              type="button"
              className="button drawer-batch-action"
              disabled={busy}
              onClick={() => void pauseBatch(!batch.paused)}
              title={batch.paused ? 'Let the batch’s queued jobs go on' : 'Hold the batch’s queued jobs; jobs at the provider still finish'}
            >
              <ExtraIcon name={batch.paused ? 'play' : 'pause'} /> {batch.paused ? 'Resume batch' : 'Pause batch'}
            </button>
          )}
        </footer>
      )}
    </aside>
  )
}
