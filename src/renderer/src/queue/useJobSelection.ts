// Which queue rows are selected (useIdSelection), and the keyboard cursor: held by id, since the queue's
// rows move when jobs are added above them.
import { useCallback, useMemo, useState } from 'react'
import type { Job } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { useIdSelection, type IdSelection } from '../hooks/useIdSelection'
import type { PagedList } from '../pagedList'
import { jobFilter, type JobQuery } from './useJobsPager'

export interface JobSelection extends Omit<IdSelection, 'selectOnly' | 'toggle' | 'selectRange'> {
  /** The row the keyboard is on (and shift-click extends from). */
  cursorId: number | null
  /** Plain click: this row only. */
  selectOnly(job: Job): void
  /** Ctrl/Cmd-click: add or remove this row. */
  toggle(job: Job): void
  /** Shift-click or shift-arrow: every row from the cursor's anchor to this one. */
  extendTo(index: number, job: Job): Promise<void>
}

export function useJobSelection(list: PagedList<Job>, query: JobQuery): JobSelection {
  const idPage = useCallback(
    async (offset: number, limit: number) => {
      const { total, jobs } = await getBridge().listJobs({ ...jobFilter(query), offset, limit })
      return { total, ids: jobs.map((j) => j.id) }
    },
    [query]
  )
  const ids = useIdSelection(list, idPage)
  // A selected job whose new state the status filter hides (a retried job in the "failed" view) leaves the
  // selection with its row: the count and every bulk action mean only jobs the user can see. ("Select all"
  // is the filter itself, so it follows on its own.)
  const { deselect } = ids
  useBridgeEvent('jobsChanged', ({ jobs }) => {
    if (query.status.length) deselect(jobs.filter((j) => !query.status.includes(j.status)).map((j) => j.id))
  })
  const [cursorId, setCursorId] = useState<number | null>(null)
  const [anchorId, setAnchorId] = useState<number | null>(null)

  const { selectOnly: selectId, toggle: toggleId, selectRange } = ids
  /** A click or Space: the row becomes the cursor and the anchor of the next range. */
  const pick = useCallback((change: (id: number) => void, job: Job) => {
    change(job.id)
    setCursorId(job.id)
    setAnchorId(job.id)
  }, [])
  const selectOnly = useCallback((job: Job) => pick(selectId, job), [pick, selectId])
  const toggle = useCallback((job: Job) => pick(toggleId, job), [pick, toggleId])

  const extendTo = useCallback(
    async (index: number, job: Job) => {
      setCursorId(job.id)
      const from = anchorId === null ? undefined : list.indexOf(anchorId)
      if (from === undefined) selectOnly(job)
      else await selectRange(from, index)
    },
    [anchorId, list, selectOnly, selectRange]
  )

  return useMemo(() => ({ ...ids, cursorId, selectOnly, toggle, extendTo }), [ids, cursorId, selectOnly, toggle, extendTo])
}
