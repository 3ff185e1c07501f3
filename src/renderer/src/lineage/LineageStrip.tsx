// Where a result came from and what was made from it: two rows of small thumbnails, each a button that
// walks to that job (the drawer opens it; the lightbox shows its picture). Refetched when a job it shows
// changes, so a child appears and finishes in place.
import { useCallback, useEffect, useState } from 'react'
import type { Lineage, LineageJob } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { AssetThumb } from '../components/AssetMedia'
import { StatusChip } from '../components/StatusChip'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { useThrottled } from '../hooks/useThrottled'
import { modelName } from '../modelNames'
import './lineage.css'

function Node({ job, onOpen }: { job: LineageJob; onOpen(job: LineageJob): void }) {
  return (
    <li>
      <button type="button" className="lineage-node" title={`Job ${job.id}: ${job.prompt}`} data-job-id={job.id} onClick={() => onOpen(job)}>
        {job.assetId !== null ? (
          <AssetThumb
            assetId={job.assetId}
            mime={job.kind === 'video' || job.kind === 'trim' ? 'video/mp4' : 'image/png'}
            alt={`Job ${job.id}`}
            className="lineage-thumb"
          />
        ) : (
          <span className="lineage-thumb empty" aria-hidden="true" />
        )}
        <span className="lineage-text">
          <span>
            #{job.id} {modelName(job.provider, job.model)}
          </span>
          <StatusChip status={job.status} />
        </span>
      </button>
    </li>
  )
}

export function LineageStrip({ jobId, onOpen }: { jobId: number; onOpen(job: LineageJob): void }) {
  const [lineage, setLineage] = useState<Lineage | null>(null)
  const load = useCallback(() => {
    getBridge()
      .getLineage({ jobId })
      .then(setLineage, () => setLineage(null))
  }, [jobId])
  useEffect(load, [load])
  const reloadSoon = useThrottled(load, 500)
  useBridgeEvent('jobsChanged', ({ jobs, truncated }) => {
    if (truncated || jobs.some((j) => j.id === jobId || j.parentJobId === jobId || lineage?.children.some((c) => c.id === j.id) || j.inputs.length > 0))
      reloadSoon()
  })
  if (!lineage || (lineage.parents.length === 0 && lineage.children.length === 0)) return null
  return (
    <section className="lineage" data-testid="lineage">
      {lineage.parents.length > 0 && (
        <>
          <h3>Made from</h3>
          <ul className="lineage-row" aria-label="Made from" data-testid="lineage-parents">
            {lineage.parents.map((p) => (
              <Node key={p.id} job={p} onOpen={onOpen} />
            ))}
          </ul>
        </>
      )}
      {lineage.children.length > 0 && (
        <>
          <h3>Made from it</h3>
          <ul className="lineage-row" aria-label="Made from it" data-testid="lineage-children">
            {lineage.children.map((c) => (
              <Node key={c.id} job={c} onOpen={onOpen} />
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
