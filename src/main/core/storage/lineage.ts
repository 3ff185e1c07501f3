// Lineage in the library: job_links (migration 9, kept by triggers) records every job a job came from — the
// job it is a step of, the jobs whose files it takes as input — so parents and children are an index lookup
// either way, and the gallery and queue can filter on "derived" and "has children".
import type { Lineage, LineageJob } from '../../../shared/lineage'
import type { Store } from './store'

const NODE_SELECT = `SELECT j.id, j.provider, j.model, j.kind, j.prompt, j.status,
  (SELECT a.id FROM assets a WHERE a.job_id = j.id ORDER BY a.idx LIMIT 1) AS assetId FROM jobs j`

export function lineageOf(store: Store, jobId: number): Lineage {
  const parents = store.sql.prepare<[number], LineageJob>(`${NODE_SELECT} JOIN job_links l ON l.parent_id = j.id WHERE l.child_id = ? ORDER BY j.id`).all(jobId)
  const children = store.sql
    .prepare<[number], LineageJob>(`${NODE_SELECT} JOIN job_links l ON l.child_id = j.id WHERE l.parent_id = ? ORDER BY j.id`)
    .all(jobId)
  return { parents, children }
}

/** Parent job ids per job, for the export manifest. */
export function parentIds(store: Store, jobIds: readonly number[]): Map<number, number[]> {
  const stmt = store.sql.prepare<[number], number>('SELECT parent_id FROM job_links WHERE child_id = ? ORDER BY parent_id').pluck()
  return new Map([...new Set(jobIds)].map((id) => [id, stmt.all(id)]))
}

/** The SQL condition for a lineage filter on the job aliased `alias`, or null for none. */
export function lineageCondition(filter: 'derived' | 'has-children' | undefined, alias = 'j'): string | null {
  if (filter === 'derived') return `EXISTS (SELECT 1 FROM job_links l WHERE l.child_id = ${alias}.id)`
  if (filter === 'has-children') return `EXISTS (SELECT 1 FROM job_links l WHERE l.parent_id = ${alias}.id)`
  return null
}
