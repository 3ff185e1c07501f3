// Send to…, lineage and pipelines on a real core: the Demo simulator over loopback HTTP, a real SQLite file,
// real files on disk.
import { readFileSync, rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import { openDb } from '../../../../src/main/core/storage/db'
import { dbPath } from '../../../../src/main/core/storage/paths'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'
import { openTestCore, tempDir, until } from '../../../helpers/core'

let cores: Core[] = []
let sims: Simulator[] = []
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()))
  await Promise.all(sims.map((s) => s.close()))
  cores = []
  sims = []
})

async function open(...args: Parameters<typeof openTestCore>): Promise<Core> {
  const core = await openTestCore(...args)
  cores.push(core)
  return core
}

async function generate(core: Core, prompts: string[]): Promise<{ jobIds: number[]; assetIds: number[] }> {
  const { jobIds } = await core.api.queuePrompts({ prompts })
  await core.poller.whenIdle()
  const assetIds = jobIds.map((id) => core.store.assetsOfJob(id)[0].id)
  return { jobIds, assetIds }
}

const jobCount = (core: Core) => core.store['db'].prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number

describe('Send to', () => {
  it('makes one upscale per picked file, each taking that file, linked to the job that made it', async () => {
    const core = await open()
    const { jobIds, assetIds } = await generate(core, ['a red fox', 'a blue whale', 'a green frog', 'a grey owl'])
    const picked = [assetIds[1], assetIds[3]]
    const sent = await core.api.sendTo({ assetIds: picked, provider: 'demo', model: 'upscales', params: { strength: 2 } })
    expect(sent.jobIds).toHaveLength(2)
    await core.poller.whenIdle()
    for (const [i, id] of sent.jobIds.entries()) {
      const job = (await core.api.getJob({ id }))!.job
      expect(job.status).toBe('done')
      expect(job.kind).toBe('upscale')
      // Each job keeps the prompt of the picture it starts from, and that picture as its one input.
      expect(job.prompt).toBe(['a blue whale', 'a grey owl'][i])
      expect(job.inputs).toEqual([{ path: core.store.asset(picked[i])!.path, assetId: picked[i] }])
      expect(job.params).toEqual({ strength: 2 })
      const lineage = await core.api.getLineage({ jobId: id })
      expect(lineage.parents.map((p) => p.id)).toEqual([jobIds[i * 2 + 1]])
      expect(lineage.parents[0].assetId).toBe(picked[i])
    }
    // The simulator received an upload per job (the provider's own way for local files).
    const uploads = core.simulator.engine.requests.filter((r) => r.method === 'PUT').length
    expect(uploads).toBe(2)
    const children = await core.api.getLineage({ jobId: jobIds[1] })
    expect(children.children.map((c) => c.id)).toEqual([sent.jobIds[0]])
    expect(children.children[0].status).toBe('done')

    // Filters: derived = the two upscales; has children = the two picked generations.
    const derived = await core.api.listGallery({ lineage: 'derived' })
    expect(derived.items.map((a) => a.jobId).sort()).toEqual([...sent.jobIds].sort())
    const parents = await core.api.listGallery({ lineage: 'has-children' })
    expect(parents.items.map((a) => a.id).sort()).toEqual([...picked].sort())
    expect((await core.api.listJobs({ lineage: 'derived' })).total).toBe(2)
    expect((await core.api.listJobs({ lineage: 'has-children' })).total).toBe(2)

    // The export manifest names each file's parent jobs and input files.
    const dest = `${tempDir()}/export`
    const { exportId } = await core.api.startExport({ assetIds: derived.items.map((a) => a.id), format: 'folder', destination: dest })
    await until(() => readdirOk(`${dest}/manifest.json`), 10_000, 'export')
    void exportId
    const manifest = JSON.parse(readFileSync(`${dest}/manifest.json`, 'utf8')) as { files: { job_id: number; parents: number[]; inputs: string[] }[] }
    const row = manifest.files.find((f) => f.job_id === sent.jobIds[0])!
    expect(row.parents).toEqual([jobIds[1]])
    expect(row.inputs).toEqual([core.store.asset(picked[0])!.path])
  })

  it('sends every file of a queue selection, and a gallery filter', async () => {
    const core = await open()
    const { jobIds, assetIds } = await generate(core, ['one', 'two', 'three'])
    await core.api.setFavorite({ assetIds: [assetIds[0], assetIds[2]], favorite: true })
    const byJobs = await core.api.sendTo({ jobIds: [jobIds[1]], provider: 'demo', model: 'image-edits', prompt: 'make it night' })
    expect(byJobs.jobIds).toHaveLength(1)
    expect(core.store.job(byJobs.jobIds[0])!.prompt).toBe('make it night')
    const byFilter = await core.api.sendTo({ filter: { favorite: true }, provider: 'demo', model: 'upscales', batchName: 'Favourites upscaled' })
    expect(byFilter.jobIds).toHaveLength(2)
    expect((await core.api.listBatches(undefined)).find((b) => b.id === byFilter.batchId)?.name).toBe('Favourites upscaled')
    await core.poller.whenIdle()
  })

  it('refuses, before anything is queued, a step the model cannot take, a file gone from disk, a URL-only provider', async () => {
    const core = await open()
    const { assetIds } = await generate(core, ['a lighthouse', 'a harbour'])
    // A video to make: the Demo's image-to-video from the first picture.
    const video = await core.api.sendTo({ assetIds: [assetIds[0]], provider: 'demo', model: 'videos' })
    await core.poller.whenIdle()
    const videoAsset = core.store.assetsOfJob(video.jobIds[0])[0]
    expect(videoAsset.mime).toBe('video/mp4')
    const before = jobCount(core)

    await expect(core.api.sendTo({ assetIds: [assetIds[1], videoAsset.id], provider: 'demo', model: 'upscales' })).rejects.toThrow(
      new RegExp(`Gallery item ${videoAsset.id} .*takes image input, not video/mp4.*Nothing was queued`)
    )
    await expect(core.api.sendTo({ assetIds: [assetIds[1]], provider: 'demo', model: 'images' })).rejects.toThrow(/Image takes no input file/)
    await expect(core.api.sendTo({ assetIds: [assetIds[1]], provider: 'apixo', model: 'nano-banana-2' })).rejects.toThrow(/only as public URLs/)
    rmSync(core.store.asset(assetIds[1])!.path)
    await expect(core.api.sendTo({ assetIds: [assetIds[0], assetIds[1]], provider: 'demo', model: 'upscales' })).rejects.toThrow(
      /1 of 2 files cannot be read \(first: The input file is gone from disk: .*\).*Nothing was queued/
    )
    await expect(core.api.sendTo({ assetIds: [999_999], provider: 'demo', model: 'upscales' })).rejects.toThrow(/Nothing to send/)
    // Bad arguments never reach the core's logic.
    await expect(core.api.sendTo({ provider: 'demo', model: 'upscales' } as never)).rejects.toThrow()
    expect(jobCount(core)).toBe(before)
  })
})

function readdirOk(path: string): boolean {
  try {
    readFileSync(path)
    return true
  } catch {
    return false
  }
}

describe('pipelines at queue time', () => {
  it('runs each step from the file its parent saved, across the chain', async () => {
    const core = await open()
    const { jobIds } = await core.api.queuePrompts({
      prompts: ['a castle', 'a bridge'],
      steps: [
        { provider: 'demo', model: 'upscales', params: {} },
        { provider: 'demo', model: 'image-edits', prompt: 'in winter', params: {} }
      ]
    })
    expect(jobIds).toHaveLength(6)
    await core.poller.whenIdle()
    const rows = jobIds.map((id) => core.store.job(id)!)
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('done'))
    expect(rows.map((r) => r.kind)).toEqual(['image', 'upscale', 'edit', 'image', 'upscale', 'edit'])
    // Each step took its parent's downloaded file, and was sent only once that file was on disk.
    for (const i of [1, 2, 4, 5]) {
      const parent = rows[i - 1]
      const parentAsset = core.store.assetsOfJob(parent.id)[0]
      expect(rows[i].parent_job_id).toBe(parent.id)
      expect(JSON.parse(rows[i].inputs_json!)).toEqual([{ path: parentAsset.path, assetId: parentAsset.id }])
      expect(rows[i].submitted_at!).toBeGreaterThanOrEqual(parent.finished_at!)
    }
    expect(rows[2].prompt).toBe('in winter')
    expect(rows[1].prompt).toBe('a castle')
    const lineage = await core.api.getLineage({ jobId: jobIds[1] })
    expect(lineage.parents.map((p) => p.id)).toEqual([jobIds[0]])
    expect(lineage.children.map((p) => p.id)).toEqual([jobIds[2]])
  })

  it('refuses a step that cannot take what the step before makes, before anything is queued', async () => {
    const core = await open()
    await expect(core.api.queuePrompts({ prompts: ['x'], steps: [{ provider: 'demo', model: 'images', params: {} }] })).rejects.toThrow(
      /Step 1 \(.*Image\) takes no input file/
    )
    await expect(
      core.api.queuePrompts({
        prompts: ['x'],
        steps: [
          { provider: 'demo', model: 'videos', params: {} },
          { provider: 'demo', model: 'upscales', params: {} }
        ]
      })
    ).rejects.toThrow(/Step 2 .* takes image input, but the step before it makes video/)
    await expect(core.api.queuePrompts({ prompts: ['x'], steps: [{ provider: 'apixo', model: 'nano-banana-2', params: {} }] })).rejects.toThrow(
      /only as public URLs/
    )
    expect(jobCount(core)).toBe(0)
  })

  it('fails the steps of a failed generation with the reason', async () => {
    const core = await open({ stored: { demo: { durationMs: 200, failureRate: 1 } } })
    const { jobIds } = await core.api.queuePrompts({
      prompts: ['doomed'],
      steps: [
        { provider: 'demo', model: 'upscales', params: {} },
        { provider: 'demo', model: 'image-edits', params: {} }
      ]
    })
    await core.poller.whenIdle()
    const [gen, up, edit] = jobIds.map((id) => core.store.job(id)!)
    expect(gen.status).toBe('failed')
    expect(up.status).toBe('failed')
    expect(up.error).toBe('The step it starts from failed')
    expect(edit.status).toBe('failed')
    expect(core.store.events(up.id).at(-1)!.message).toBe(`Job ${gen.id}, which this step starts from, failed`)
    expect(up.submitted_at).toBeNull()
    // Retrying the generation queues its steps again with it, and the chain runs through.
    await core.api.updateSettings({ demo: { failureRate: 0 } })
    expect((await core.api.retryJobs({ ids: [gen.id] })).changed).toBe(1)
    expect(core.store.job(up.id)!.status).toBe('queued')
    await core.poller.whenIdle()
    expect(jobIds.map((id) => core.store.job(id)!.status)).toEqual(['done', 'done', 'done'])
    expect(core.store.events(edit.id).map((e) => e.type)).toEqual(expect.arrayContaining(['failed', 'retry', 'submit', 'done']))
  })

  it('goes on mid-pipeline after a restart, and ends the steps of a parent that ended while the app was down', async () => {
    const sim = await startSimulator({ durationMs: 400, keys: { letzai: 'run-key' } })
    sims.push(sim)
    const dataDir = tempDir()
    const first = await openTestCore({ dataDir, externalSimulator: sim })
    const { jobIds } = await first.api.queuePrompts({ prompts: ['a mill', 'a dam'], steps: [{ provider: 'demo', model: 'upscales', params: {} }] })
    // Stop while the generations are at the provider: the steps are still waiting for their files.
    await until(() => jobIds.filter((_, i) => i % 2 === 0).every((id) => first.store.job(id)!.status === 'running'), 10_000, 'generations running')
    await first.close()
    const db = openDb(dbPath(dataDir))
    expect(db.prepare('SELECT status FROM jobs WHERE parent_job_id IS NOT NULL').pluck().all()).toEqual(['queued', 'queued'])
    // One more pipeline whose parent "failed" just before a crash, its step still queued.
    const batch = db.prepare("INSERT INTO batches (name, output_dir, created_at) VALUES ('crashed', '/tmp/none', 1)").run().lastInsertRowid
    const parent = db
      .prepare(
        "INSERT INTO jobs (batch_id, provider, model, kind, prompt, status, error, created_at, updated_at, finished_at) VALUES (?, 'demo', 'images', 'image', 'p', 'failed', 'boom', 1, 1, 1)"
      )
      .run(batch).lastInsertRowid
    const orphan = Number(
      db
        .prepare(
          "INSERT INTO jobs (batch_id, parent_job_id, provider, model, kind, prompt, status, created_at, updated_at, from_parent) VALUES (?, ?, 'demo', 'upscales', 'upscale', 'p', 'queued', 1, 1, 1)"
        )
        .run(batch, parent).lastInsertRowid
    )
    db.close()

    const second = await open({ dataDir, externalSimulator: sim })
    await until(() => jobIds.every((id) => second.store.job(id)!.status === 'done'), 20_000, 'pipeline finished after restart')
    for (const i of [1, 3]) expect(JSON.parse(second.store.job(jobIds[i])!.inputs_json!)[0].assetId).toBe(second.store.assetsOfJob(jobIds[i - 1])[0].id)
    expect(second.store.job(orphan)!.status).toBe('failed')
    expect(second.store.job(orphan)!.error).toBe('The step it starts from failed')
    // Nothing was sent twice.
    for (const n of sim.engine.submitsByPrompt().values()) expect(n).toBeLessThanOrEqual(2)
    expect(sim.engine.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/images')).length).toBe(2)
  })
})
