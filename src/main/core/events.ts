// The contract's events, from the core to whoever listens (the Electron window, the headless bridge's
// sockets, tests): one hub, and the batching that turns a thousand job transitions a second into ten messages.
import type { EventName, Events, Job } from '../../shared/contract'
import { EtaBook } from './jobs/eta'
import { toJob, type Store } from './storage/store'

type Listener<E extends EventName> = (payload: Events[E]) => void

const MAX_JOBS_PER_EVENT = 500

export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventName>)
    return () => set.delete(listener as Listener<EventName>)
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<E>)(payload)
  }

  listened(...events: EventName[]): boolean {
    return events.some((e) => this.listeners.get(e)?.size)
  }
}

/** Typical durations per model, from the same history the learned polling strategy reads. */
export function etaBook(store: Store): EtaBook {
  return new EtaBook((provider, model) => store.recentDurations(provider, model))
}

/**
 * Collects changed jobs and sends them in one event every `intervalMs`; announces each batch with work in
 * progress once, when its last job ends.
 */
export class JobChanges {
  private readonly changed = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  /** Batches with work in progress: each is announced once when its last job ends. */
  private readonly activeBatches = new Set<number>()

  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly intervalMs = 100
  ) {}

  /** A batch has work again (queued, retried, resumed). */
  batchActive(batchId: number): void {
    this.activeBatches.add(batchId)
  }

  jobsChanged(ids: number[]): void {
    if (!this.events.listened('jobsChanged', 'countsChanged', 'batchFinished')) return
    for (const id of ids) this.changed.add(id)
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    this.timer = null
    const ids = [...this.changed]
    this.changed.clear()
    // A bulk action can change 100,000 jobs at once: send the latest few and let views refetch the rest.
    const sent = ids.slice(-MAX_JOBS_PER_EVENT)
    const jobs: Job[] = []
    const etas = etaBook(this.store)
    for (const id of sent) {
      const row = this.store.job(id)
      if (row) jobs.push(toJob(row, etas.jobEta(row)))
    }
    this.events.emit('jobsChanged', { jobs, truncated: sent.length < ids.length })
    this.events.emit('countsChanged', this.store.statusCounts())
    for (const batchId of this.activeBatches) {
      // Every flush asks this of every active batch: the cheap test first, the counts only once it ends.
      if (this.store.batchActive(batchId)) continue
      const outcome = this.store.batchOutcome(batchId)
      if (outcome && outcome.active > 0) continue
      this.activeBatches.delete(batchId)
      if (outcome) this.events.emit('batchFinished', { batchId, name: outcome.name, done: outcome.done, failed: outcome.failed })
    }
  }
}
