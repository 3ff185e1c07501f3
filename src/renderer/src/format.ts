// How numbers, times and states read on screen, in one place so every view says them the same way.
import type { JobStatus } from '../../shared/model'

export { isActive } from '../../shared/model'

/** Chip text per status; lower case like the API's own names, styled by CSS. */
export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'queued',
  submitting: 'submitting',
  running: 'running',
  downloading: 'downloading',
  done: 'done',
  failed: 'failed',
  canceled: 'canceled',
  needs_attention: 'needs attention'
}

const integer = new Intl.NumberFormat()

export function formatCount(n: number): string {
  return integer.format(n)
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

/** Elapsed time as a clock: 0:07, 12:45, 1:02:03. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

export function formatTime(at: number): string {
  return timeFormat.format(at)
}

export function formatDateTime(at: number): string {
  return dateTimeFormat.format(at)
}

/** A provider whose host gives no answer: "Can't reach api.bfl.ai since 20:41:05". */
export function unreachableWords(u: { host: string; since: number }): string {
  return `Can't reach ${u.host} since ${formatTime(u.since)}`
}

/** How long a job has taken so far: from submission (or queueing, before that) to its end or now. */
export function jobElapsed(job: { createdAt: number; submittedAt: number | null; finishedAt: number | null }, now: number): number {
  return (job.finishedAt ?? now) - (job.submittedAt ?? job.createdAt)
}

export function mediaType(mime: string): 'image' | 'video' | 'audio' | 'other' {
  if (mime.startsWith('image/')) return 'image'
  if (mime.startsWith('video/')) return 'video'
  if (mime.startsWith('audio/')) return 'audio'
  return 'other'
}

/** Node's name for this platform, when main renders the first screen (server.tsx), on the same machine. */
const nodePlatform = (globalThis as { process?: { platform?: string } }).process?.platform

/** The modifier key shortcuts are shown with on this platform. */
export const MOD_KEY = (nodePlatform ? nodePlatform === 'darwin' : /Mac|iPhone|iPad/.test(navigator.userAgent)) ? '⌘' : 'Ctrl'
