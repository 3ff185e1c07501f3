// When a job (and the run of all active jobs) should be done, from the model's own recent history: the
// same submit→ready durations the learned polling strategy plans with (Store.recentDurations). Without
// enough history there is no estimate: an unknown is shown as unknown, never as a guess.
import type { ProviderId } from '../../../shared/catalogue'
import type { JobStatus } from '../../../shared/contract'

/** Finished jobs of a model needed before its typical duration is trusted. */
export const MIN_ETA_HISTORY = 3

/** The median of the durations (ms), or null with fewer than MIN_ETA_HISTORY of them. */
export function typicalDuration(history: readonly number[]): number | null {
  const s = history.filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b)
  if (s.length < MIN_ETA_HISTORY) return null
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Active jobs of one model: how many are not sent yet, and when the latest sent one was accepted. */
export interface ActiveGroup {
  batchId: number
  batchName: string
  provider: ProviderId
  model: string
  unsent: number
  lastSubmittedAt: number | null
}

/** Typical durations per model, read once per view (a page of rows, a stats call). */
export class EtaBook {
  private readonly typical = new Map<string, number | null>()

  constructor(private readonly durations: (provider: ProviderId, model: string) => number[]) {}

  typicalOf(provider: ProviderId, model: string): number | null {
    const key = `${provider}\u0000${model}`
    if (!this.typical.has(key)) this.typical.set(key, typicalDuration(this.durations(provider, model)))
    return this.typical.get(key)!
  }

  /** When a job at its provider should be ready: its submit plus the model's typical duration; null otherwise. */
  jobEta(job: { provider: ProviderId; model: string; status: JobStatus; submitted_at: number | null }): number | null {
    if (job.status !== 'running' || job.submitted_at === null) return null
    const typical = this.typicalOf(job.provider, job.model)
    return typical === null ? null : Math.round(job.submitted_at + typical)
  }

  /**
   * When every active job should be done: the latest of each model's last submit plus its typical duration,
   * and of now plus it for jobs not sent yet (a lower bound: waiting for a free slot is not counted).
   * Null when any active model has no history yet.
   */
  /** Each active batch's own time left (its groups' runEta), newest batch first. */
  batchEtas(groups: readonly ActiveGroup[], now: number): { id: number; name: string; etaAt: number | null }[] {
    const byBatch = new Map<number, ActiveGroup[]>()
    for (const g of groups) byBatch.set(g.batchId, [...(byBatch.get(g.batchId) ?? []), g])
    return [...byBatch.entries()].sort(([a], [b]) => b - a).map(([id, list]) => ({ id, name: list[0].batchName, etaAt: this.runEta(list, now) }))
  }

  runEta(groups: readonly ActiveGroup[], now: number): number | null {
    let at = 0
    for (const g of groups) {
      const typical = this.typicalOf(g.provider, g.model)
      if (typical === null) return null
      if (g.lastSubmittedAt !== null) at = Math.max(at, g.lastSubmittedAt + typical)
      if (g.unsent > 0) at = Math.max(at, now + typical)
    }
    return groups.length > 0 ? Math.round(at) : null
  }
}
