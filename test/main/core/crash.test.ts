// Crash safety, end to end: a child process (crash-child.ts) runs a batch of 300 jobs against the simulator
// this test owns and is killed with SIGKILL at least 20 times, restarted each time on the same database.
// Kills come from three triggers so that every phase is hit for sure, not by luck:
//   timer    — a random moment 0.15–2.5 s after the spawn (start-up, recovery, anything);
//   submit   — inside the simulator's submit handler, after it created the job and before it answered,
//              i.e. the provider took (and would bill) the job but the app never heard its id;
//   download — when the child creates a download temp file (.bs-part-*), i.e. while it writes a result.
// The database is read right after each kill to count which phases the kill landed in. A last run goes to
// completion; then: every job is terminal or needs attention, no prompt was submitted twice by a job not
// marked needs-attention, every done job has exactly one file whose sha256 matches the DB, no temp file is
// left, and PRAGMA integrity_check is ok.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/storage/db'
import { TEMP_PREFIX } from '../../../src/main/core/jobs/downloader'
import { dbPath } from '../../../src/main/core/storage/paths'
import { startSimulator, type Simulator } from '../../../src/main/demo/server'
import { tempDir } from '../../helpers/core'
import { prng } from '../../helpers/prng'

const JOBS = 300
const MIN_KILLS = 20
/** Each phase must be hit at least this often. */
const MIN_PER_PHASE = 4
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

type Trigger = 'timer' | 'submit' | 'download'
const ACTIVE = ['queued', 'submitting', 'running', 'downloading']

interface KillRecord {
  trigger: Trigger
  afterMs: number
  statuses: Record<string, number>
  tempFiles: number
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
}

describe('crash safety', () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000)
  const random = prng(seed)
  const durations = prng(seed + 1)
  const dataDir = tempDir('bs-crash-')
  const outDir = join(dataDir, 'out')
  // The batch folder the child will use (batch 1 named "crash"); created up front so it can be watched.
  const batchDir = join(outDir, 'crash-1')
  let sim: Simulator | undefined
  /** Called from inside the simulator's submit handler. */
  let onSubmit: (() => void) | null = null
  /** The child alive right now, if any: killed in afterAll whatever happened to the test. */
  let live: ChildProcess | null = null

  afterAll(async () => {
    if (live && live.exitCode === null && live.signalCode === null) live.kill('SIGKILL')
    await sim?.close()
    if (!process.env.CRASH_KEEP) rmSync(dataDir, { recursive: true, force: true })
  })

  it(`survives ${MIN_KILLS}+ SIGKILLs of a ${JOBS}-job batch (seed ${seed})`, { timeout: 120_000 }, async () => {
    sim = await startSimulator({
      durationMs: () => 300 + Math.floor(durations() * 1200),
      onCreate: () => onSubmit?.()
    })
    const baseUrl = sim.baseUrl('letzai')
    mkdirSync(batchDir, { recursive: true })

    const spawnChild = (): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string } => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
        env: { ...process.env, CRASH_DATA_DIR: dataDir, DEMO_BASE_URL: baseUrl, CRASH_JOBS: String(JOBS) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc']
      })
      live = child
      let err = ''
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal }))
      )
      return { child, exited, stderr: () => err }
    }

    const readDb = (): { statuses: Record<string, number> } => {
      const db = openDb(dbPath(dataDir))
      try {
        const statuses: Record<string, number> = {}
        for (const r of db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all()) statuses[r.status] = r.n
        return { statuses }
      } finally {
        db.close()
      }
    }
    const tempFiles = () => listFiles(outDir).filter((f) => f.split('/').pop()!.startsWith(TEMP_PREFIX))

    const kills: KillRecord[] = []
    const hit = { submit: 0, download: 0 }
    let finishedEarly = false
    const started = Date.now()

    while (kills.length < MIN_KILLS || hit.submit < MIN_PER_PHASE || hit.download < MIN_PER_PHASE) {
      if (kills.length >= 60) throw new Error(`60 kills and still short of phases: ${JSON.stringify(hit)}`)
      // Aim the triggers at whatever is still short; otherwise mix them. When little work is left for the
      // kills still to come, kill early (mostly during start-up and recovery) so the batch cannot run out first.
      const last = kills.at(-1)?.statuses
      const unfinished = last ? ACTIVE.reduce((n, s) => n + (last[s] ?? 0), 0) : JOBS
      const short = unfinished < (MIN_KILLS - kills.length) * 30
      const aimed: Trigger = short
        ? 'timer'
        : hit.submit < MIN_PER_PHASE && kills.length % 3 === 0
          ? 'submit'
          : hit.download < MIN_PER_PHASE && kills.length % 3 === 1
            ? 'download'
            : (['timer', 'submit', 'download'] as const)[Math.floor(random() * 3)]
      // A submit trigger waits for up to 12 more submits: with fewer jobs left to submit it would never fire,
      // and the rest of the batch could finish before its fallback.
      const trigger: Trigger = aimed === 'submit' && (last ? (last.queued ?? 0) : JOBS) <= 12 ? 'timer' : aimed
      const { child, exited, stderr } = spawnChild()
      const spawnedAt = Date.now()
      let killed = false
      const kill = () => {
        if (killed) return
        killed = true
        child.kill('SIGKILL')
      }
      let watcher: FSWatcher | null = null
      // Until the batch is queued a kill has nothing at stake, so the first run's timer starts when the
      // child says it queued (start-up takes longer on a loaded machine than any fixed delay allows).
      const delay = trigger === 'timer' ? 150 + random() * (short ? 750 : 1850) : 2000
      let fallback = setTimeout(kill, last ? delay : 30_000)
      if (!last)
        child.once('message', () => {
          clearTimeout(fallback)
          fallback = setTimeout(kill, delay)
        })
      if (trigger === 'submit') {
        let left = 1 + Math.floor(random() * 12)
        onSubmit = () => {
          if (--left <= 0) kill()
        }
      } else if (trigger === 'download') {
        let left = 1 + Math.floor(random() * 3)
        watcher = watch(batchDir, (_event, name) => {
          if (name?.startsWith(TEMP_PREFIX) && --left <= 0) kill()
        })
      }
      const result = await exited
      clearTimeout(fallback)
      onSubmit = null
      watcher?.close()
      if (!killed) {
        // The batch ended before this kill: the child must have exited cleanly.
        expect(result, stderr()).toEqual({ code: 0, signal: null })
        finishedEarly = true
        break
      }
      expect(result.signal, stderr()).toBe('SIGKILL')
      const { statuses } = readDb()
      const record: KillRecord = { trigger, afterMs: Date.now() - spawnedAt, statuses, tempFiles: tempFiles().length }
      kills.push(record)
      if (process.env.CRASH_DEBUG) console.log(`kill ${kills.length}: ${JSON.stringify(record)}`)
      if (statuses.submitting) hit.submit++
      if (statuses.downloading) hit.download++
    }

    // The last run, undisturbed, to the end.
    if (!finishedEarly) {
      const { child, exited, stderr } = spawnChild()
      const stuck = setTimeout(() => child.kill('SIGKILL'), 45_000)
      const final = await exited
      clearTimeout(stuck)
      expect(final, `the last run did not finish: ${JSON.stringify(readDb().statuses)} ${stderr()}`).toEqual({ code: 0, signal: null })
    }

    const summary = {
      seed,
      kills: kills.length,
      byTrigger: Object.fromEntries((['timer', 'submit', 'download'] as const).map((t) => [t, kills.filter((k) => k.trigger === t).length])),
      midSubmit: hit.submit,
      midDownload: hit.download,
      withTempFile: kills.filter((k) => k.tempFiles > 0).length,
      seconds: Math.round((Date.now() - started) / 100) / 10
    }
    console.log(`crash test: ${JSON.stringify(summary)}${process.env.CRASH_KEEP ? ` in ${dataDir}` : ''}`)
    expect(finishedEarly, 'the batch finished before enough kills').toBe(false)
    expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS)
    expect(hit.submit).toBeGreaterThanOrEqual(MIN_PER_PHASE)
    expect(hit.download).toBeGreaterThanOrEqual(MIN_PER_PHASE)
    // At least one kill cut a download between its temp file and the rename, so "no temp file left" means something.
    expect(summary.withTempFile).toBeGreaterThanOrEqual(1)

    const db = openDb(dbPath(dataDir))
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const jobs = db
        .prepare<[], { id: number; prompt: string; status: string; error: string | null; provider_job_id: string | null }>(
          'SELECT id, prompt, status, error, provider_job_id FROM jobs ORDER BY id'
        )
        .all()
      expect(jobs).toHaveLength(JOBS)
      expect(new Set(jobs.map((j) => j.prompt)).size).toBe(JOBS)

      // Every job ended, or waits for the user.
      const counts: Record<string, number> = {}
      for (const j of jobs) counts[j.status] = (counts[j.status] ?? 0) + 1
      console.log(`crash test: final statuses ${JSON.stringify(counts)}`)
      for (const j of jobs) expect(['done', 'failed', 'canceled', 'needs_attention'], `job ${j.id}`).toContain(j.status)
      // Most of the batch still got done; the rest is what the kills caught between send and store.
      expect(counts.done ?? 0).toBeGreaterThan(JOBS / 2)
      for (const j of jobs.filter((j) => j.status === 'needs_attention')) expect(j.error).toMatch(/Submitted\? Unknown/)

      // The provider's ledger: nothing paid for twice by a job the app treats as fine.
      const submits = sim!.engine.submitsByPrompt()
      for (const j of jobs) {
        if (j.status !== 'needs_attention') expect(submits.get(j.prompt) ?? 0, `submits of job ${j.id}`).toBeLessThanOrEqual(1)
      }
      for (const j of jobs.filter((j) => j.status === 'done')) {
        expect(j.provider_job_id).not.toBeNull()
        expect(sim!.engine.ledger.get(j.provider_job_id!)?.prompt).toBe(j.prompt)
      }

      // Every done job has exactly one file, whose bytes hash to what the DB says; nothing else is on disk.
      const assets = db.prepare<[], { job_id: number; path: string; sha256: string }>('SELECT job_id, path, sha256 FROM assets').all()
      const byJob = new Map<number, { path: string; sha256: string }[]>()
      for (const a of assets) byJob.set(a.job_id, [...(byJob.get(a.job_id) ?? []), a])
      const done = jobs.filter((j) => j.status === 'done')
      for (const j of done) {
        const files = byJob.get(j.id) ?? []
        expect(files, `files of job ${j.id}`).toHaveLength(1)
        expect(createHash('sha256').update(readFileSync(files[0].path)).digest('hex'), `sha256 of job ${j.id}`).toBe(files[0].sha256)
      }
      expect(assets).toHaveLength(done.length)
      const onDisk = listFiles(outDir)
      expect(
        onDisk.filter((f) => f.split('/').pop()!.startsWith(TEMP_PREFIX)),
        'temp files left'
      ).toEqual([])
      expect(onDisk.sort()).toEqual(assets.map((a) => a.path).sort())
    } finally {
      db.close()
    }
  })
})
