// The start-time sweep of download temp files (.bs-part-*) over the library's batch folders: stale ones go,
// everything else stays — finished files, folders and look-alike names, a link's target, recent parts when
// asked to spare them.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sweepStaleParts, TEMP_PREFIX } from '../../../src/main/core/jobs/downloader'
import { tempDir } from '../../helpers/core'

const root = tempDir('bs-sweep-')
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('sweepStaleParts', () => {
  it('removes the temp files killed downloads left in the batch folders, and nothing else', async () => {
    const a = join(root, 'out', 'cats-1')
    const b = join(root, 'out', 'dogs-2')
    mkdirSync(a, { recursive: true })
    mkdirSync(b, { recursive: true })
    const outside = join(root, 'precious.png')
    writeFileSync(outside, 'keep')
    writeFileSync(join(a, `${TEMP_PREFIX}12-0a1b2c3d`), 'half a file')
    writeFileSync(join(a, `${TEMP_PREFIX}13-deadbeef`), 'another half')
    writeFileSync(join(b, `${TEMP_PREFIX}40-00ff00ff`), 'half')
    writeFileSync(join(a, '0012-cats.png'), 'done')
    writeFileSync(join(a, `${TEMP_PREFIX}notes.txt`), 'not one of ours')
    mkdirSync(join(a, `${TEMP_PREFIX}14-abcdef01`))
    writeFileSync(join(a, `${TEMP_PREFIX}14-abcdef01`, 'inside'), 'x')
    symlinkSync(outside, join(b, `${TEMP_PREFIX}41-11111111`))

    const removed = await sweepStaleParts([a, b, a, join(root, 'out', 'gone-3'), ''])
    expect(removed.map((p) => p.slice(root.length)).sort()).toEqual(
      ['/out/cats-1/.bs-part-12-0a1b2c3d', '/out/cats-1/.bs-part-13-deadbeef', '/out/dogs-2/.bs-part-40-00ff00ff', '/out/dogs-2/.bs-part-41-11111111'].sort()
    )
    expect(readdirSync(a).sort()).toEqual(['.bs-part-14-abcdef01', '.bs-part-notes.txt', '0012-cats.png'])
    expect(readdirSync(b)).toEqual([])
    // The link went, its target stayed.
    expect(existsSync(outside)).toBe(true)
  })

  it('spares parts more recent than olderThanMs', async () => {
    const d = join(root, 'shared-9')
    mkdirSync(d, { recursive: true })
    const old = join(d, `${TEMP_PREFIX}1-aaaaaaaa`)
    const fresh = join(d, `${TEMP_PREFIX}2-bbbbbbbb`)
    writeFileSync(old, 'x')
    writeFileSync(fresh, 'y')
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(old, hourAgo, hourAgo)
    expect(await sweepStaleParts([d], 600_000)).toEqual([old])
    expect(readdirSync(d)).toEqual([`${TEMP_PREFIX}2-bbbbbbbb`])
  })
})
