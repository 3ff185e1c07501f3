// The queue's rows: a PagedList over listJobs for the current filter and sort, kept live from main's
// pushes. Status changes are patched into cached rows; when rows may have been added, removed or
// reordered, the visible pages are refetched, holding the user's place.
import type { ProviderId } from '../../../shared/catalogue'
import { JOB_STATUSES, type Job, type JobSortColumn, type JobStatus } from '../../../shared/model'
import { getBridge } from '../bridge'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { primeKeptPagedList, useKeptPagedList, type KeptPagedListSpec } from '../hooks/useKeptPagedList'
import { useThrottled } from '../hooks/useThrottled'
import type { PagedList } from '../pagedList'

export interface JobQuery {
  status: JobStatus[]
  text: string
  batchId: number | null
  provider: ProviderId | null
  model: string | null
  sort: JobSortColumn
  dir: 'asc' | 'desc'
}

const PAGE_SIZE = 200
/** Pushes arrive up to ten times a second; refetching the view more often than this buys nothing. */
const REFRESH_INTERVAL_MS = 700

export function jobFilter(query: JobQuery) {
  return {
    status: query.status.length ? query.status : undefined,
    text: query.text.trim() || undefined,
    batchId: query.batchId ?? undefined,
    provider: query.provider ?? undefined,
    model: query.model ?? undefined,
    sort: query.sort,
    dir: query.dir
  }
}

/** Filters beyond status that may let new jobs in or keep them out. */
const hasScopeFilter = (q: JobQuery) => Boolean(q.text.trim()) || q.batchId !== null || q.provider !== null || q.model !== null

/** Newest first by id: new jobs can only appear at the top, and rows never move when jobs change state. */
const isIdDesc = (q: JobQuery) => q.sort === 'id' && q.dir === 'desc'

/** What the Queue shows when the app opens: every job, newest first. */
export const INITIAL_JOB_QUERY: JobQuery = { status: [], text: '', batchId: null, provider: null, model: null, sort: 'id', dir: 'desc' }

function jobList(query: JobQuery): KeptPagedListSpec<Job> {
  const filter = jobFilter(query)
  return {
    slot: 'queue',
    key: JSON.stringify(filter),
    fetcher: () => async (offset, limit) => {
      const { total, jobs } = await getBridge().listJobs({ ...filter, offset, limit })
      return { total, items: jobs }
    },
    list: {
      pageSize: PAGE_SIZE,
      keepPages: 30,
      // A page answer that left before a push arrived must not roll a row back to its older state.
      replaces: (incoming, cached) => incoming.updatedAt >= cached.updatedAt
    }
  }
}

/**
 * The rows main renders the first screen from (server.tsx): more than fit a tall window. They go into the
 * page for the app to take that screen over from; the rest of the first page follows as the view refreshes.
 */
export const FIRST_SCREEN_QUERY = { ...jobFilter(INITIAL_JOB_QUERY), offset: 0, limit: 40 }

/**
 * Asks for the Queue's first rows at start-up, before anything renders, unless they are given (the answer
 * to FIRST_SCREEN_QUERY main rendered the first screen from); resolves when they are in.
 */
export const primeQueue = (given?: { total: number; jobs: Job[] }): Promise<void> =>
  primeKeptPagedList(jobList(INITIAL_JOB_QUERY), given && { total: given.total, items: given.jobs })

export function useJobsPager(query: JobQuery, getAnchor: () => number | null, onError: (err: unknown) => void): PagedList<Job> {
  const { list, refresh } = useKeptPagedList<Job>({
    ...jobList(query),
    getAnchor,
    insertsAbove: isIdDesc(query),
    onError
  })
  const scheduleRefresh = useThrottled(refresh, REFRESH_INTERVAL_MS)

  useBridgeEvent('jobsChanged', ({ jobs, truncated }) => {
    list.patch(jobs)
    // A bulk change sends only some of the jobs it touched: the rows on screen may be among the others.
    if (truncated) scheduleRefresh()
  })
  useBridgeEvent('countsChanged', (counts) => {
    const wanted: readonly JobStatus[] = query.status.length ? query.status : JOB_STATUSES
    const expected = wanted.reduce((sum, s) => sum + counts[s], 0)
    // Cached rows are patched by id, so only membership or order can be stale: a status filter or a sort
    // on a changing column may move rows on any change, a text, batch, provider or model filter may match
    // new jobs (or lose deleted ones), and a total
    // that differs from ours means rows came or went.
    if (query.status.length || hasScopeFilter(query) || !isIdDesc(query) || expected !== list.total) scheduleRefresh()
  })

  return list
}
