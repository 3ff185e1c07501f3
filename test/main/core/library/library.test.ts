// The offline library: search, favourites and ratings, missing files, bulk actions and export, on a real
// core whose files were really downloaded from the simulator.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportProgress } from '../../../../src/shared/contract'
import type { Core } from '../../../../src/main/core/core'
import { readPngText } from '../../../../src/main/core/library/png-text'
import { openTestCore, tempDir, until } from '../../../helpers/core'
import { readZip } from '../../../helpers/zip'

let core: Core
const prompts = ['a red fox in snow', 'a blue whale at sea', 'a red barn at dusk', 'portrait of a café owner']

beforeAll(async () => {
  core = await openTestCore()
  await core.api.queuePrompts({ prompts, batchName: 'Animals & barns' })
  await core.poller.whenIdle()
})

afterAll(async () => {
  await core.close()
})

async function exportAndWait(req: Parameters<Core['api']['startExport']>[0]): Promise<ExportProgress> {
  let last: ExportProgress | undefined
  const off = core.on('exportProgress', (p) => (last = p))
  const { exportId } = await core.api.startExport(req)
  await until(() => last?.exportId === exportId && last.state !== 'running', 20_000, 'export to end')
  off()
  return last!
}

describe('library', () => {
  it('searches prompts by words and prefixes (FTS5), ignoring FTS syntax in the input', async () => {
    expect((await core.api.listGallery({ text: 'red' })).total).toBe(2)
    expect((await core.api.listGallery({ text: 'red barn' })).total).toBe(1)
    expect((await core.api.listGallery({ text: 'wha' })).total).toBe(1)
    expect((await core.api.listGallery({ text: 'cafe' })).total).toBe(1)
    expect((await core.api.listGallery({ text: '"unbalanced OR (' })).total).toBe(0)
    expect((await core.api.listJobs({ text: 'fox' })).total).toBe(1)
  })

  it('sorts and filters the job list', async () => {
    const byPrompt = await core.api.listJobs({ sort: 'prompt', dir: 'asc' })
    expect(byPrompt.jobs.map((j) => j.prompt)).toEqual([...prompts].sort((a, b) => a.localeCompare(b)))
    expect((await core.api.listJobs({ status: ['done'], provider: 'demo', model: 'images' })).total).toBe(4)
    expect((await core.api.listJobs({ status: ['failed'] })).total).toBe(0)
  })

  it('stores favourites and ratings and filters by them', async () => {
    const { items } = await core.api.listGallery({})
    await core.api.setFavorite({ assetIds: [items[0].id], favorite: true })
    await core.api.setRating({ assetIds: [items[0].id, items[1].id], rating: 4 })
    expect((await core.api.listGallery({ favorite: true })).items.map((a) => a.id)).toEqual([items[0].id])
    expect((await core.api.listGallery({ minRating: 4 })).total).toBe(2)
    expect((await core.api.listGallery({ minRating: 5 })).total).toBe(0)
  })

  it('exports the current filter to a ZIP whose manifest matches the files, with the prompt embedded', async () => {
    const dest = join(tempDir(), 'red-things.zip')
    const done = await exportAndWait({ filter: { text: 'red' }, format: 'zip', destination: dest, embedMetadata: true })
    expect(done.state).toBe('done')
    expect(done.path).toBe(dest)
    // Info-ZIP checks every entry's CRC-32 and the archive's structure.
    expect(execFileSync('unzip', ['-tq', dest]).toString()).toMatch(/No errors detected/)
    const entries = await readZip(dest)
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as { files: { file: string; prompt: string; sha256: string; job_id: number }[] }
    expect(manifest.files).toHaveLength(2)
    expect(entries.get('manifest.csv')!.toString().split('\r\n')[0]).toMatch(/^file,prompt,provider,model,parameters,job_id/)
    for (const f of manifest.files) {
      const bytes = entries.get(f.file)!
      expect(f.file).toMatch(/^animals-barns\/a-red-[a-z-]+-\d+\.png$/)
      expect(readPngText(bytes).prompt).toBe(f.prompt)
    }
    // Without embedding, the bytes are the downloaded file's, byte for byte.
    const plain = await exportAndWait({ filter: { text: 'whale' }, format: 'zip', destination: join(tempDir(), 'whale.zip') })
    const plainEntries = await readZip(plain.path!)
    const plainManifest = JSON.parse(plainEntries.get('manifest.json')!.toString()) as { files: { file: string; sha256: string }[] }
    expect(createHash('sha256').update(plainEntries.get(plainManifest.files[0].file)!).digest('hex')).toBe(plainManifest.files[0].sha256)
    // No temp file is left beside it.
    expect(readdirSync(join(plain.path!, '..')).filter((n) => n.includes('.part'))).toEqual([])
  })

  it('exports a selection to a folder and refuses to overwrite an existing export', async () => {
    const { items } = await core.api.listGallery({})
    const dest = join(tempDir(), 'picked')
    const done = await exportAndWait({ assetIds: items.map((a) => a.id), format: 'folder', destination: dest, template: '{prompt}' })
    expect(done.state).toBe('done')
    expect(readdirSync(dest).sort()).toEqual([
      'a-blue-whale-at-sea.png',
      'a-red-barn-at-dusk.png',
      'a-red-fox-in-snow.png',
      'manifest.csv',
      'manifest.json',
      'portrait-of-a-cafe-owner.png'
    ])
    const byJob = await exportAndWait({ jobIds: [items[1].jobId], format: 'zip', destination: join(tempDir(), 'one-job.zip') })
    expect(JSON.parse((await readZip(byJob.path!)).get('manifest.json')!.toString()).files.map((f: { job_id: number }) => f.job_id)).toEqual([items[1].jobId])
    const again = await exportAndWait({ assetIds: [items[0].id], format: 'folder', destination: dest })
    expect(again.state).toBe('failed')
    expect(again.error).toMatch(/already exists/)
  })

  it('shows a file moved away on disk as missing, and a rescan records it', async () => {
    const { items } = await core.api.listGallery({ text: 'whale' })
    const moved = `${items[0].path}.moved`
    renameSync(items[0].path, moved)
    try {
      expect((await core.api.listGallery({ text: 'whale' })).items[0].missing).toBe(true)
      expect(await core.api.rescanLibrary(undefined)).toEqual({ checked: 4, missing: 1 })
      expect(core.assetFile(items[0].id, 'file')).toBeNull()
      await expect(core.api.startExport({ assetIds: [items[0].id], format: 'zip', destination: join(tempDir(), 'x.zip') })).rejects.toThrow(/missing on disk/)
    } finally {
      renameSync(moved, items[0].path)
    }
    expect((await core.api.listGallery({ text: 'whale' })).items[0].missing).toBe(false)
  })

  it('re-queues jobs with another model and deletes jobs with their files', async () => {
    const { jobs } = await core.api.listJobs({ text: 'fox' })
    // An upscale starts from what the job made, without the image model's size and quality.
    const made = (await core.api.getJob({ id: jobs[0].id }))!.assets[0]
    const { jobIds } = await core.api.requeueJobs({ ids: [jobs[0].id], provider: 'demo', model: 'upscales' })
    const requeued = await core.api.getJob({ id: jobIds[0] })
    expect(requeued?.job).toMatchObject({
      prompt: 'a red fox in snow',
      model: 'upscales',
      kind: 'upscale',
      params: {},
      inputs: [{ path: made.path, assetId: made.id }]
    })
    await core.poller.whenIdle()
    const file = (await core.api.getJob({ id: jobs[0].id }))!.assets[0].path
    expect((await core.api.deleteJobs({ ids: [jobs[0].id], deleteFiles: true })).changed).toBe(1)
    expect(existsSync(file)).toBe(false)
    expect(await core.api.getJob({ id: jobs[0].id })).toBeNull()
    expect((await core.api.listJobs({ text: 'fox' })).total).toBe(1)
  })
})

describe('file actions', () => {
  it('says where the file is when there is no desktop to open it', async () => {
    const { items } = await core.api.listGallery({ limit: 1 })
    expect(await core.api.revealAsset({ assetId: items[0].id, action: 'open' })).toEqual({
      ok: false,
      message: `Opening files needs the desktop app. The file is at ${items[0].path}`
    })
    expect((await core.api.revealAsset({ assetId: 999_999, action: 'show' })).ok).toBe(false)
  })
})
