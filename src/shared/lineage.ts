// Lineage: where a result came from and what was made from it. A job's parents are the job it is a step of
// and the jobs whose files it takes as input; its children are the reverse. Shared by the drawer, the
// lightbox and the CLI.
import type { JobKind, ProviderId } from './catalogue'
import type { JobStatus } from './model'

export interface LineageJob {
  id: number
  provider: ProviderId
  model: string
  kind: JobKind
  prompt: string
  status: JobStatus
  /** Its first file, for a thumbnail; null until downloaded. */
  assetId: number | null
}

export interface Lineage {
  parents: LineageJob[]
  children: LineageJob[]
}
