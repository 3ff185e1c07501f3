// Shared pieces of the benchmarks: a seeded PRNG, the workload, percentiles, history seeding and tables.
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../src/main/core/scheduling/clock'
import type { Store } from '../src/main/core/storage/store'
import { prng } from '../test/helpers/prng'

export function tempDir(prefix: string, parent = tmpdir()): string {
  return mkdtempSync(join(parent, prefix))
}

/**
 * A temp folder in memory (/dev/shm) where there is one, else the ordinary temp folder. The strategy and
 * rate-limit runs keep their libraries and downloads here: on a disk shared with other work an fsync (an
 * SQLite checkpoint) can block the process for a second, which the time compression turns into seconds of
 * "detection latency" that belong to the disk, not to the strategy.
 */
export function memoryTempDir(prefix: string): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return mkdtempSync(join('/dev/shm', prefix))
  } catch {
    // no /dev/shm (macOS, Windows)
  }
  return tempDir(prefix)
}

export type Kind = 'image' | 'video'

/** The LetzAI guide's typical times: images 10–30 s, videos 30–120 s (uniform within). */
export const DURATION_RANGE: Record<Kind, [number, number]> = { image: [10_000, 30_000], video: [30_000, 120_000] }
/** The simulator's LetzAI endpoint (= the app's model id) per kind. */
export const MODEL_OF: Record<Kind, string> = { image: 'images', video: 'videos' }

/** A duration class: fast jobs (1–5 s) are images of the same model as the 10–30 s ones (one history). */
export type JobClass = Kind | 'fast'
export const FAST_RANGE: [number, number] = [1000, 5000]
export const KIND_OF: Record<JobClass, Kind> = { fast: 'image', image: 'image', video: 'video' }

export interface WorkItem {
  index: number
  kind: Kind
  cls: JobClass
  /** Submit → ready at the provider (uncompressed ms). */
  durationMs: number
  /** When the user queues it, from the start of the run (uncompressed ms). */
  arriveAtMs: number
  prompt: string
}

export function drawDuration(cls: JobClass, random: () => number): number {
  const [lo, hi] = cls === 'fast' ? FAST_RANGE : DURATION_RANGE[cls]
  return Math.round(lo + random() * (hi - lo))
}

/** One uniform draw → a class: `fastShare` fast, `imageShare` images, the rest videos. */
export function drawClass(u: number, imageShare: number, fastShare = 0): JobClass {
  return u < fastShare ? 'fast' : u < fastShare + imageShare ? 'image' : 'video'
}

/** `jobs` jobs, `imageShare` of them images (and `fastShare` fast ones), arriving as a Poisson stream with `meanGapMs` between arrivals. */
export function makeWorkload(o: { jobs: number; imageShare: number; fastShare?: number; meanGapMs: number; seed: number }): WorkItem[] {
  const random = prng(o.seed)
  const items: WorkItem[] = []
  let at = 0
  for (let index = 0; index < o.jobs; index++) {
    const cls = drawClass(random(), o.imageShare, o.fastShare)
    const kind = KIND_OF[cls]
    items.push({ index, kind, cls, durationMs: drawDuration(cls, random), arriveAtMs: Math.round(at), prompt: `bench ${cls} job ${index}` })
    at += -Math.log(1 - random()) * o.meanGapMs
  }
  return items
}

/**
 * Writes finished jobs of the past into a library, as a user's earlier batches would have left them: the
 * learned strategy reads submit→ready durations from here (store.recentDurations).
 */
export function seedHistory(store: Store, rows: { model: string; kind: Kind; durationMs: number }[], now: number): void {
  const db = store['db']
  db.transaction(() => {
    const batchId = store.createBatch('history (seeded by the benchmark)', '/nonexistent')
    const insert = db.prepare(
      `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, polls, submitted_at, ready_at, finished_at, created_at, updated_at)
       VALUES (?, 'demo', ?, ?, ?, '{}', 'done', 0, ?, ?, ?, ?, ?)`
    )
    rows.forEach((r, i) => {
      // Spread over the past day, one every 30 s, newest last.
      const readyAt = now - 3_600_000 - (rows.length - i) * 30_000
      insert.run(batchId, r.model, r.kind, `history ${r.kind} ${i}`, readyAt - r.durationMs, readyAt, readyAt + 1000, readyAt - r.durationMs, readyAt + 1000)
    })
  })()
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo)
}

/** A plain-text table (also valid Markdown). */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))]
  const width = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`
  return [line(cells[0]), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n')
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–')

/** A scaled clock both processes can build: the same origin and scale give the same time everywhere. */
export interface ClockSpec {
  origin: number
  scale: number
}

export function clockFrom(spec: ClockSpec): Clock {
  const { origin, scale } = spec
  return {
    now: () => origin + (Date.now() - origin) * scale,
    setTimer(fn, ms) {
      const t = setTimeout(fn, Math.max(0, ms / scale))
      return () => clearTimeout(t)
    }
  }
}

/** Real (Date.now) milliseconds → the scaled clock's milliseconds. */
export function toScaled(spec: ClockSpec, realMs: number): number {
  return spec.origin + (realMs - spec.origin) * spec.scale
}
