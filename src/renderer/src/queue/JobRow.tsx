// One queue row. Memoised: a push that changes one job, or a tick of the clock, re-renders only the rows
// it concerns, which is what keeps a grid of thousands of live jobs smooth.
import { memo, type MouseEvent } from 'react'
import type { Job } from '../../../shared/contract'
import { modelName, providerName } from '../modelNames'
import { AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { StatusChip } from '../components/StatusChip'
import { formatDuration, isActive, jobElapsed } from '../format'
import { JobProgress } from './JobProgress'

interface JobRowProps {
  job: Job
  index: number
  top: number
  selected: boolean
  cursor: boolean
  /** The clock, for active jobs only; finished rows get 0 so the tick does not re-render them. */
  now: number
  onRowClick(event: MouseEvent, index: number, job: Job): void
}

const KIND_MIME: Record<Job['kind'], string> = { image: 'image/*', edit: 'image/*', upscale: 'image/*', video: 'video/*', trim: 'video/*', audio: 'audio/*' }

export const JobRow = memo(function JobRow({ job, index, top, selected, cursor, now, onRowClick }: JobRowProps) {
  const active = isActive(job.status)
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="job-row"
      data-job-id={job.id}
      data-status={job.status}
      className={`job-row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={(e) => onRowClick(e, index, job)}
    >
      <div role="gridcell" className="cell cell-thumb">
        {job.firstAssetId !== null ? (
          <AssetThumb assetId={job.firstAssetId} mime={KIND_MIME[job.kind]} alt="" className="row-thumb" />
        ) : (
          <div className={`row-thumb empty status-${job.status}`}>
            <Icon name={job.kind === 'video' || job.kind === 'trim' ? 'video' : job.kind === 'audio' ? 'audio' : 'image'} size={16} />
          </div>
        )}
      </div>
      <div role="gridcell" className="cell cell-id">
        {job.id}
      </div>
      <div role="gridcell" className="cell cell-prompt">
        <span className="prompt-text" title={job.prompt}>
          {job.prompt}
        </span>
        {job.error && (
          <span className="prompt-error" title={job.error}>
            {job.error}
          </span>
        )}
        <span className="prompt-batch">{job.batchName}</span>
      </div>
      <div role="gridcell" className="cell cell-provider">
        <span>{providerName(job.provider)}</span>
        <span className="muted" title={job.model}>
          {modelName(job.provider, job.model)}
        </span>
      </div>
      <div role="gridcell" className="cell cell-status">
        <StatusChip status={job.status} />
      </div>
      <div role="gridcell" className="cell cell-progress">
        <JobProgress job={job} now={now} />
      </div>
      <div role="gridcell" className="cell cell-attempts">
        {job.attempts}
      </div>
      <div role="gridcell" className="cell cell-elapsed">
        {formatDuration(jobElapsed(job, active ? now : (job.finishedAt ?? job.updatedAt)))}
      </div>
      <div role="gridcell" className="cell cell-error" title={job.error ?? undefined}>
        {job.error}
      </div>
    </div>
  )
})

/** A row whose page has not arrived yet: same size, so nothing moves when it fills in. */
export function SkeletonRow({ top }: { top: number }) {
  return (
    <div className="job-row skeleton" style={{ transform: `translateY(${top}px)` }} aria-hidden="true">
      <div className="cell cell-thumb">
        <div className="row-thumb empty" />
      </div>
      <div className="cell" />
      <div className="cell cell-prompt">
        <span className="skeleton-bar" />
      </div>
    </div>
  )
}
