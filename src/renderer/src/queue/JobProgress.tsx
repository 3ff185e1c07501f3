// A queue row's progress, in one style: while the job is at its provider, a bar and the time left (from
// the model's recent durations, Job.etaAt) or the provider's percentage; before that, why it waits and when
// it is tried again; once it has stopped, nothing (its status and error say how it ended).
import type { Job } from '../../../shared/contract'
import { ProgressBar } from '../components/ProgressBar'
import { formatDuration, isActive } from '../format'

/** The share of its typical time a job may show before it is done: the bar never claims to be finished. */
const MAX_ESTIMATED_SHARE = 0.95

/** "0:12 left", or "any moment" once the typical time has passed. */
export function timeLeft(etaAt: number, now: number): string {
  const left = etaAt - now
  return left >= 1000 ? `${formatDuration(left)} left` : 'any moment'
}

export function JobProgress({ job, now }: { job: Job; now: number }) {
  if (!isActive(job.status)) return null
  if (job.status === 'queued') {
    // A job waiting after a failed try (its error says why) is tried again at next_poll_at.
    const retryIn = job.error && job.nextPollAt !== null && job.nextPollAt > now ? job.nextPollAt - now : null
    return <span className="progress-note">{retryIn !== null ? `try ${job.failedTries + 1} in ${formatDuration(retryIn)}` : 'waiting'}</span>
  }
  if (job.status === 'submitting') return <ProgressBar value={null} working text="sending" />
  if (job.status === 'downloading') return <ProgressBar value={1} working text="saving" />
  const start = job.submittedAt ?? job.createdAt
  if (job.etaAt !== null) {
    const estimated = job.etaAt > start ? Math.min(MAX_ESTIMATED_SHARE, (now - start) / (job.etaAt - start)) : MAX_ESTIMATED_SHARE
    return <ProgressBar value={job.progress ?? Math.max(0, estimated)} working text={timeLeft(job.etaAt, now)} />
  }
  return <ProgressBar value={job.progress} working />
}
