// Input files and open model lists, through a real core on the Demo provider: what is checked when a
// batch is queued (nothing half-queued), what is checked again when a job is sent, and the active-job cap.
import { writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { fixed } from '../../../../src/main/core/scheduling/strategies'
import { openTestCore, tempDir } from '../../../helpers/core'

async function png(dir: string, name: string): Promise<string> {
  const path = join(dir, name)
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
    .png()
    .toFile(path)
  return path
}

describe.concurrent('job inputs', () => {
  it('refuses a batch whose input is missing, not a media file, relative or refused by the model, and queues nothing', async () => {
    const core = await openTestCore({ poller: { strategy: () => fixed(50) } })
    try {
      const dir = tempDir()
      const text = join(dir, 'notes.txt')
      writeFileSync(text, 'not a picture')
      const before = (await core.api.listJobs({})).total
      await expect(core.api.queuePrompts({ prompts: ['a'], model: 'images', inputs: [{ path: join(dir, 'gone.png') }] })).rejects.toThrow(/gone from disk/)
      await expect(core.api.queuePrompts({ prompts: ['a'], inputs: [{ path: text }] })).rejects.toThrow(/not an image, video or audio file/)
      await expect(core.api.queuePrompts({ prompts: ['a'], inputs: [{ path: 'relative.png' }] })).rejects.toThrow(/must be absolute/)
      await expect(core.api.queuePrompts({ prompts: ['a'], inputs: [{ assetId: 999_999 }] })).rejects.toThrow(/does not exist/)
      const picture = await png(dir, 'in.png')
      // A plain image model takes no input; the second prompt's list is the one at fault.
      await expect(core.api.queuePrompts({ prompts: ['a', 'b'], model: 'images', promptInputs: [[], [{ path: picture }]] })).rejects.toThrow(
        /^Prompt 2: .*takes no input files/
      )
      expect((await core.api.listJobs({})).total).toBe(before)
    } finally {
      await core.close()
    }
  })

  it('stores a gallery item as a job input with its asset id, and fails the job plainly when the file is gone by the time it is sent', async () => {
    const core = await openTestCore({ poller: { strategy: () => fixed(50) } })
    try {
      const { jobIds } = await core.api.queuePrompts({ prompts: ['a red boat'] })
      await core.poller.whenIdle()
      const asset = (await core.api.getJob({ id: jobIds[0] }))!.assets[0]
      expect(asset).toBeDefined()
      // The provider paused, so the file can go before the job is sent.
      const dir = tempDir()
      const copy = await png(dir, 'copy.png')
      await core.api.pauseProvider({ provider: 'demo', paused: true })
      const queued = await core.api.queuePrompts({
        prompts: ['x'],
        model: 'not-in-the-catalogue',
        kind: 'image',
        inputs: [{ assetId: asset.id }, { path: copy }]
      })
      const job = (await core.api.getJob({ id: queued.jobIds[0] }))!.job
      expect(job.model).toBe('not-in-the-catalogue')
      expect(job.inputs).toEqual([{ path: asset.path, assetId: asset.id }, { path: copy }])
      await rm(copy)
      await core.api.pauseProvider({ provider: 'demo', paused: false })
      await core.poller.whenIdle()
      const after = (await core.api.getJob({ id: queued.jobIds[0] }))!
      expect(after.job.status).toBe('failed')
      expect(after.job.error).toBe(`The input file is gone from disk: ${copy}`)
      expect(after.job.attempts).toBe(0)
      expect(after.events.at(-1)?.message).toMatch(/nothing was sent/)
      expect(core.simulator.engine.ledger.size).toBe(1)
    } finally {
      await core.close()
    }
  })

  it('keeps a dropped file by its content (once for the same bytes), refusing what is not media', async () => {
    const core = await openTestCore()
    try {
      const dir = tempDir()
      const bytes = (await import('node:fs')).readFileSync(await png(dir, 'drop.png'))
      const kept = await core.api.addInputFile({ name: '../../evil/drop.png', dataBase64: bytes.toString('base64') })
      expect(kept).toMatchObject({ name: 'drop.png', mime: 'image/png', size: bytes.length })
      expect(kept.path.startsWith(join(core.store.file, '..', 'inputs'))).toBe(true)
      expect((await core.api.addInputFile({ name: 'again.png', dataBase64: bytes.toString('base64') })).path).toBe(kept.path)
      await expect(core.api.addInputFile({ name: 'x.png', dataBase64: Buffer.from('#!/bin/sh\necho hi').toString('base64') })).rejects.toThrow(
        /not an image, video or audio file/
      )
      const { jobIds } = await core.api.queuePrompts({ prompts: ['from a drop'], model: 'something-new', kind: 'image', inputs: [{ path: kept.path }] })
      expect((await core.api.getJob({ id: jobIds[0] }))!.job.inputs).toEqual([{ path: kept.path }])
    } finally {
      await core.close()
    }
  })

  it('never has more jobs at a provider than its active-job cap', async () => {
    const core = await openTestCore({
      stored: { demo: { durationMs: 250, failureRate: 0 } },
      poller: { strategy: () => fixed(40), limits: () => ({ rate: 100, burst: 100, concurrency: 16, maxActive: 2 }) }
    })
    try {
      await core.api.queuePrompts({ prompts: ['1', '2', '3', '4', '5', '6', '7'] })
      await core.poller.whenIdle()
      const spans = [...core.simulator.engine.jobs.values()].map((j) => [j.createdAt, core.simulator.engine.ledger.get(j.id)!.firstSeenReadyAt!] as const)
      expect(spans).toHaveLength(7)
      const atOnce = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && e > start).length))
      expect(atOnce).toBeLessThanOrEqual(2)
      expect(atOnce).toBe(2)
    } finally {
      await core.close()
    }
  })
})
