// The ZIP writer on its own, on real files: small files read whole several at a time, a file too big to
// read whole streamed from disk, an empty file, and a file that vanished before the export reached it.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportProgress } from '../../../src/shared/model'
import { ExportRun, type ExportItem } from '../../../src/main/core/export'
import { tempDir } from '../../helpers/core'
import { readZip } from '../../helpers/zip'

function item(id: number, path: string, size: number): ExportItem {
  return {
    id,
    jobId: id,
    batchId: 1,
    batchName: 'Bench',
    prompt: `file ${id}`,
    provider: 'demo',
    model: 'images',
    path,
    mime: 'application/octet-stream',
    size,
    sha256: '',
    width: null,
    height: null,
    createdAt: Date.UTC(2026, 10, 23),
    favorite: false,
    rating: 0,
    missing: false,
    idx: 0,
    params: {},
    submittedAt: null,
    finishedAt: null,
    providerJobId: null
  }
}

/** Writes `sizes.length` files of random bytes and returns them with their export items. */
function files(dir: string, sizes: number[]): { items: ExportItem[]; bytes: Buffer[] } {
  const bytes = sizes.map((n) => randomBytes(n))
  const items = bytes.map((b, i) => {
    const path = join(dir, `f${i}.bin`)
    writeFileSync(path, b)
    return item(i + 1, path, b.length)
  })
  return { items, bytes }
}

describe('ZIP export', () => {
  it('stores every file byte for byte with a valid CRC, streaming the big one, and reports progress', async () => {
    const dir = tempDir()
    // 500 small files (more than the read-ahead and the unwritten-bytes bound hold), an empty one, and one
    // over the 8 MiB read-whole limit.
    const sizes = [...Array.from({ length: 500 }, (_, i) => 1 + ((i * 7919) % 60_000)), 0, 9 * 1024 * 1024 + 3]
    const { items, bytes } = files(dir, sizes)
    const reports: ExportProgress[] = []
    const dest = join(dir, 'out', 'all.zip')
    const done = await new ExportRun(items, { format: 'zip', destination: dest, template: '{job}', embedMetadata: false }, (p) => reports.push(p)).run()

    expect(done).toMatchObject({ state: 'done', done: items.length, total: items.length, path: dest, error: null })
    expect(done.bytes).toBe(sizes.reduce((a, b) => a + b, 0))
    expect(reports.at(-1)?.state).toBe('done')
    const entries = await readZip(dest)
    expect(entries.size).toBe(items.length + 2)
    items.forEach((it, i) => expect(entries.get(`${it.jobId}.bin`)?.equals(bytes[i]), `entry ${it.jobId}`).toBe(true))
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as { files: { file: string; size: number }[] }
    expect(manifest.files.map((f) => f.file)).toEqual(items.map((it) => `${it.jobId}.bin`))
    expect(readdirSync(join(dir, 'out'))).toEqual(['all.zip'])
  })

  it('fails on a file that disappeared, naming it, and leaves nothing under the final name', async () => {
    const dir = tempDir()
    const { items } = files(dir, Array.from({ length: 40 }, () => 10_000))
    unlinkSync(items[25].path)
    const dest = join(dir, 'out.zip')
    const failed = await new ExportRun(items, { format: 'zip', destination: dest, template: '{job}', embedMetadata: false }, () => {}).run()

    expect(failed.state).toBe('failed')
    expect(failed.error).toContain(items[25].path)
    expect(existsSync(dest)).toBe(false)
    expect(readdirSync(dir).filter((n) => !n.endsWith('.bin'))).toEqual([])
  })

  it('stops when canceled midway and leaves nothing behind', async () => {
    const dir = tempDir()
    // Big enough to still be running when the cancel comes: 30 files of 8 MiB (sparse, so quick to make).
    const items = Array.from({ length: 30 }, (_, i) => {
      const path = join(dir, `big${i}.bin`)
      writeFileSync(path, randomBytes(1024))
      truncateSync(path, 8 * 1024 * 1024)
      return item(i + 1, path, 8 * 1024 * 1024)
    })
    const dest = join(dir, 'out', 'big.zip')
    const run: ExportRun = new ExportRun(items, { format: 'zip', destination: dest, template: '{job}', embedMetadata: false }, (p) => {
      if (p.state === 'running' && p.done >= 2) run.cancel()
    })
    const result = await run.run()

    expect(result.state).toBe('canceled')
    expect(result.done).toBeLessThan(items.length)
    expect(readdirSync(join(dir, 'out'))).toEqual([])
  })
})
