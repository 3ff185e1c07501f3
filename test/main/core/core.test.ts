import { createHash } from 'node:crypto'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/core'
import { startSimulator } from '../../../src/main/demo/server'
import { openTestCore, tempDir, until } from '../../helpers/core'

let cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()))
  cores = []
})

async function open(...args: Parameters<typeof openTestCore>): Promise<Core> {
  const core = await openTestCore(...args)
  cores.push(core)
  return core
}

describe('core on the demo provider', () => {
  it('takes prompts through submit, poll and download to files on disk', async () => {
    const core = await open()
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a red fox', 'a blue whale', 'a green frog'], count: 1 })
    expect(jobIds).toHaveLength(3)
    await core.poller.whenIdle()
    const { jobs } = await core.api.listJobs({})
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done'])
    const gallery = await core.api.listGallery({})
    expect(gallery.total).toBe(3)
    const hashes = new Set<string>()
    for (const item of gallery.items) {
      const bytes = readFileSync(item.path)
      expect(item.mime).toBe('image/png')
      expect(bytes.subarray(1, 4).toString()).toBe('PNG')
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(item.sha256)
      hashes.add(item.sha256)
    }
    // Different prompts make different images.
    expect(hashes.size).toBe(3)
    const detail = await core.api.getJob({ id: jobIds[0] })
    expect(detail?.events.map((e) => e.type)).toEqual(expect.arrayContaining(['queued', 'submit', 'submitted', 'ready', 'done']))
    // The provider's last answer is kept for the detail view.
    expect(detail?.lastResponse).toMatch(/^HTTP 200 http:\/\/127\.0\.0\.1:\d+\/letzai\/images\/[0-9a-f]+\n\{"id":.*"status":"ready"/)
    // Each job was submitted exactly once.
    for (const n of core.simulator.engine.submitsByPrompt().values()) expect(n).toBe(1)
    // Thumbnails are made beside the library, not in it.
    await until(() => gallery.items.every((a) => core.assetFile(a.id, 'thumb')?.mime === 'image/webp'), 10_000, 'thumbnails')
    expect(core.assetFile(gallery.items[0].id, 'thumb')?.path).toMatch(/thumbnails[/\\]\d+\.webp$/)
    // No temp files left next to the results.
    expect(readdirSync(dirname(gallery.items[0].path)).filter((n) => n.startsWith('.bs-part-'))).toEqual([])
  })

  it('pushes batched job changes to listeners', async () => {
    const core = await open()
    const seen = new Map<number, string>()
    let events = 0
    core.on('jobsChanged', ({ jobs }) => {
      events++
      for (const j of jobs) seen.set(j.id, j.status)
    })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['one', 'two'], count: 2 })
    await until(() => jobIds.every((id) => seen.get(id) === 'done'), 20_000, 'done events')
    expect(events).toBeLessThan(jobIds.length * 6)
  })

  it('resumes after a restart without submitting anything twice', async () => {
    const dataDir = tempDir()
    const sim = await startSimulator({ durationMs: 1500 })
    try {
      const first = await openTestCore({ dataDir, externalSimulator: sim })
      const { jobIds } = await first.api.queuePrompts({ prompts: Array.from({ length: 6 }, (_, i) => `prompt ${i}`) })
      await until(async () => (await first.api.listJobs({ status: ['running'] })).total === 6, 10_000, 'all running')
      await first.close()
      expect(sim.engine.ledger.size).toBe(6)

      const second = await open({ dataDir, externalSimulator: sim })
      await second.poller.whenIdle()
      const { jobs } = await second.api.listJobs({})
      expect(jobs.map((j) => j.status)).toEqual(Array(6).fill('done'))
      expect(jobs.map((j) => j.id).sort()).toEqual([...jobIds].sort())
      // Resumed by polling the stored ids: one submit per job, and each job's file saved once.
      expect([...sim.engine.ledger.values()].map((e) => e.submits)).toEqual(Array(6).fill(1))
      expect((await second.api.listGallery({})).total).toBe(6)
    } finally {
      await sim.close()
    }
  })

  it('resumes a queue longer than a start-up slice: every queued job is sent once, and the running jobs are carried on', async () => {
    const dataDir = tempDir()
    const sim = await startSimulator({ durationMs: 1500 })
    try {
      const first = await openTestCore({ dataDir, externalSimulator: sim })
      await first.api.queuePrompts({ prompts: ['running a', 'running b'] })
      await until(async () => (await first.api.listJobs({ status: ['running'] })).total === 2, 10_000, 'both running')
      await first.api.pauseProvider({ provider: 'demo', paused: true })
      const queued = await first.api.queuePrompts({ prompts: Array.from({ length: 11 }, (_, i) => `queued ${i}`) })
      await first.close()
      expect(sim.engine.ledger.size).toBe(2)

      const since = Date.now()
      // Slices of 4: the queue of 11 is read in three ticks after the start.
      const second = await open({ dataDir, externalSimulator: sim, poller: { startSlice: 4 } })
      await second.poller.whenIdle()
      const { jobs } = await second.api.listJobs({})
      expect(jobs.map((j) => j.status)).toEqual(Array(13).fill('done'))
      expect([...sim.engine.ledger.values()].map((e) => e.submits)).toEqual(Array(13).fill(1))
      expect(sim.engine.requests.filter((r) => r.at >= since && r.method === 'POST' && r.provider !== 'files')).toHaveLength(11)
      expect((await second.api.listJobs({ batchId: queued.batchId, status: ['done'] })).total).toBe(11)
    } finally {
      await sim.close()
    }
  })

  it('marks a job caught between sending and storing its id as needs-attention, never re-sending it', async () => {
    const dataDir = tempDir()
    const first = await openTestCore({ dataDir })
    const { jobIds } = await first.api.queuePrompts({ prompts: ['maybe sent'] })
    await first.poller.whenIdle()
    // Put the job back to the moment after the intent was stored and before the id came back.
    first.store['db']
      .prepare("UPDATE jobs SET status = 'submitting', provider_job_id = NULL, provider_ref_json = NULL, result_json = NULL, finished_at = NULL WHERE id = ?")
      .run(jobIds[0])
    await first.close()
    const second = await open({ dataDir })
    const detail = await second.api.getJob({ id: jobIds[0] })
    expect(detail?.job.status).toBe('needs_attention')
    expect(detail?.job.error).toMatch(/Submitted\? Unknown/)
    expect(detail?.events.at(-1)?.type).toBe('needs_attention')
    await second.poller.whenIdle()
    expect(second.simulator.engine.ledger.size).toBe(0)
  })
})

describe('one process per library', () => {
  it('refuses a library another live process holds, and opens it the moment that process is killed', async () => {
    const dataDir = tempDir()
    // A real second owner: lock-child.ts takes the library's lock and lives until killed.
    const other = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'storage', 'lock-child.ts'), 'hold', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    try {
      await new Promise<void>((resolve, reject) => {
        other.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve())
        other.once('exit', (code) => reject(new Error(`lock-child exited ${code}`)))
      })
      await expect(openTestCore({ dataDir })).rejects.toThrow(new RegExp(`Another Batch Studio process \\(pid ${other.pid}\\) is using the library`))
    } finally {
      other.kill('SIGKILL')
      await new Promise((r) => (other.exitCode !== null || other.signalCode !== null ? r(null) : other.once('exit', r)))
    }
    const core = await open({ dataDir })
    expect(readFileSync(join(dataDir, 'library.lock'), 'utf8')).toBe(String(process.pid))
    await core.close()
    cores = cores.filter((c) => c !== core)
    expect(existsSync(join(dataDir, 'library.lock'))).toBe(false)
  })
})

describe('events', () => {
  it('announces a batch once when its last job ends, not on retries that change nothing', async () => {
    const core = await open({ stored: { demo: { durationMs: 100, failureRate: 0 } } })
    const finished: string[] = []
    core.on('batchFinished', ({ name }) => finished.push(name))
    const { jobIds } = await core.api.queuePrompts({ prompts: ['one', 'two'], batchName: 'Evening' })
    await core.poller.whenIdle()
    await until(() => finished.length === 1, 5000, 'batchFinished')
    // Retrying finished work changes nothing: no second announcement.
    expect((await core.api.retryJobs({ ids: jobIds })).changed).toBe(0)
    await new Promise((r) => setTimeout(r, 200))
    expect(finished).toEqual(['Evening'])
  })

  it('one queue action sent in two calls (two models, or two seeds) is one batch: one folder, one announcement counting every job', async () => {
    const core = await open({ stored: { demo: { durationMs: 100, failureRate: 0 } } })
    const finished: { name: string; done: number }[] = []
    core.on('batchFinished', ({ name, done }) => finished.push({ name, done }))
    await core.api.pauseProvider({ provider: 'demo', paused: true })
    const first = await core.api.queuePrompts({ prompts: ['a', 'b'], provider: 'demo', model: 'images', batchName: 'Both models' })
    const second = await core.api.queuePrompts({
      prompts: ['a', 'b'],
      provider: 'demo',
      model: 'images',
      params: { quality: 4 },
      batchName: 'ignored',
      batchId: first.batchId
    })
    expect(second.batchId).toBe(first.batchId)
    expect(await core.api.listBatches(undefined)).toEqual([expect.objectContaining({ id: first.batchId, name: 'Both models', jobCount: 4 })])
    await core.api.pauseProvider({ provider: 'demo', paused: false })
    await until(() => finished.length === 1, 10_000, 'batchFinished')
    await new Promise((r) => setTimeout(r, 200))
    expect(finished).toEqual([{ name: 'Both models', done: 4 }])
    const dirs = new Set((await core.api.listGallery({})).items.map((a) => dirname(a.path)))
    expect(dirs.size).toBe(1)
    await expect(core.api.queuePrompts({ prompts: ['late'], batchId: 9999 })).rejects.toThrow(/Batch 9999 does not exist/)
  })

  it('sends at most 500 jobs per event and says when it left some out', async () => {
    const core = await open()
    await core.api.pauseProvider({ provider: 'demo', paused: true })
    const events: { count: number; truncated: boolean }[] = []
    core.on('jobsChanged', ({ jobs, truncated }) => events.push({ count: jobs.length, truncated }))
    await core.api.queuePrompts({ prompts: Array.from({ length: 800 }, (_, i) => `bulk ${i}`) })
    await until(() => events.length > 0, 5000, 'an event')
    expect(events[0]).toEqual({ count: 500, truncated: true })
  })
})
