// The batches, for the queue's batch filter and the drawer's pause/resume: fetched once, shared by every
// user, refetched (spaced out) when a job of a batch we have not seen appears, a batch finishes or a
// batch is paused, jobs are deleted (refreshBatches), and after a reconnect.
import { useSyncExternalStore } from 'react'
import type { Batch } from '../../../shared/contract'
import { getBridge, getConnection } from '../bridge'

const REFETCH_MS = 1000

let batches: readonly Batch[] = []
let known = new Set<number>()
let started = false
let timer: ReturnType<typeof setTimeout> | null = null
let inflight = false
let again = false
const listeners = new Set<() => void>()

async function load(): Promise<void> {
  if (inflight) {
    again = true
    return
  }
  inflight = true
  try {
    batches = await getBridge().listBatches(undefined)
    known = new Set(batches.map((b) => b.id))
    for (const l of listeners) l()
  } catch {
    // The filter keeps the list it had; the next change tries again.
  } finally {
    inflight = false
    if (again) {
      again = false
      void load()
    }
  }
}

/** Asks for a fresh list soon; many asks within a second are one request. */
export function refreshBatches(): void {
  timer ??= setTimeout(() => {
    timer = null
    void load()
  }, REFETCH_MS)
}

function start(): void {
  if (started) return
  started = true
  void load()
  const bridge = getBridge()
  bridge.on('jobsChanged', ({ jobs, truncated }) => {
    if (truncated || jobs.some((j) => !known.has(j.batchId))) refreshBatches()
  })
  bridge.on('batchFinished', () => refreshBatches())
  getConnection().onResync(() => void load())
}

function subscribe(listener: () => void): () => void {
  start()
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useBatches(): readonly Batch[] {
  return useSyncExternalStore(
    subscribe,
    () => batches,
    () => batches
  )
}

/** After pausing or resuming a batch: shows the new state at once, then confirms it from main. */
export function setBatchPausedLocally(batchId: number, paused: boolean): void {
  batches = batches.map((b) => (b.id === batchId ? { ...b, paused } : b))
  for (const l of listeners) l()
  void load()
}
