// Bulk export from the gallery in Debian's Chromium against the real headless app: a ZIP whose manifest
// (JSON and CSV) matches its files byte for byte, a ZIP with the prompt embedded in each PNG, a folder
// export named by a template, and an export canceled midway that leaves nothing at its destination.
import { expect, test, type Page } from '@playwright/test'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { readPngText } from '../../src/main/core/library/png-text'
import { readZip } from '../helpers/zip'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

const PROMPTS = ['a red fox in the snow', 'a lighthouse at dawn', 'a red barn at dusk', 'portrait of a café owner, "smiling", 50mm']

interface ManifestRow {
  file: string
  prompt: string
  provider: string
  model: string
  job_id: number
  batch: string
  sha256: string
  size: number
  mime: string
}

let app: HeadlessApp
let out: string

test.beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bs-export-e2e-'))
  app = await startHeadlessApp({ demo: { durationMs: 800, failureRate: 0 } })
  await app.call('queuePrompts', { prompts: PROMPTS, batchName: 'Export e2e' })
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(PROMPTS.length)
})

test.afterAll(async () => {
  await app?.stop()
  if (out) rmSync(out, { recursive: true, force: true })
})

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks; rows end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') endCell()
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell()
      rows.push(row)
      row = []
      i++
    } else cell += c
  }
  if (cell || row.length) {
    endCell()
    rows.push(row)
  }
  return rows
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function openGallery(page: Page, expected: number): Promise<void> {
  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await expect(page.getByTestId('gallery-item')).toHaveCount(expected)
}

/** Fills the dialog (already open) and starts with Enter; returns the dialog. */
async function runExport(page: Page, o: { destination: string; format?: 'ZIP file' | 'Folder'; template?: string; embed?: boolean }) {
  const dialog = page.getByTestId('export-dialog')
  await expect(dialog).toBeVisible()
  if (o.format) await dialog.getByLabel(o.format).check()
  await dialog.getByLabel('Destination').fill(o.destination)
  if (o.template) await dialog.getByLabel('File name template').fill(o.template)
  if (o.embed) await dialog.getByLabel('Embed prompt in PNG files').check()
  await dialog.getByLabel('Destination').press('Enter')
  return dialog
}

test('exports the gallery to a ZIP whose manifest matches its files; embedding puts the prompt in each PNG', async ({ page }) => {
  await openGallery(page, PROMPTS.length)

  // The whole gallery (no selection: the current filter), plain.
  await page.getByRole('button', { name: 'Export all…' }).click()
  const plain = join(out, 'plain.zip')
  const dialog = await runExport(page, { destination: plain })
  await expect(dialog).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
  await expect(dialog.getByTestId('export-path')).toHaveText(plain)
  await expect(dialog.getByTestId('export-counts')).toContainText(`${PROMPTS.length} / ${PROMPTS.length} files`)

  const zip = await readZip(plain)
  const json = JSON.parse(zip.get('manifest.json')!.toString('utf8')) as { files: ManifestRow[] }
  const files = [...zip.keys()].filter((n) => !n.startsWith('manifest.'))
  expect(json.files).toHaveLength(PROMPTS.length)
  expect(json.files.map((f) => f.file).sort()).toEqual(files.sort())
  expect(json.files.map((f) => f.prompt).sort()).toEqual([...PROMPTS].sort())
  for (const f of json.files) {
    const entry = zip.get(f.file)!
    expect(sha256(entry), f.file).toBe(f.sha256)
    expect(entry.length).toBe(f.size)
    // The default template: {batch}/{prompt}-{job}
    expect(f.file).toMatch(new RegExp(`^export-e2e/[a-z0-9-]+-${f.job_id}\\.png$`))
    expect(f.batch).toBe('Export e2e')
  }
  const [header, ...rows] = parseCsv(zip.get('manifest.csv')!.toString('utf8'))
  expect(rows).toHaveLength(PROMPTS.length)
  const col = (name: string) => header.indexOf(name)
  for (const row of rows) {
    const match = json.files.find((f) => f.file === row[col('file')])!
    expect(match, row[col('file')]).toBeTruthy()
    expect(row[col('sha256')]).toBe(match.sha256)
    expect(row[col('prompt')]).toBe(match.prompt)
    expect(Number(row[col('job_id')])).toBe(match.job_id)
    expect(sha256(zip.get(row[col('file')])!)).toBe(row[col('sha256')])
  }

  await dialog.getByRole('button', { name: 'Done' }).click()
  await expect(dialog).toBeHidden()

  // Two selected items, with the prompt embedded: the PNGs carry it; the manifest keeps the original's hash.
  const items = page.getByTestId('gallery-item')
  await items.nth(0).click({ modifiers: ['ControlOrMeta'] })
  await items.nth(3).click({ modifiers: ['ControlOrMeta'] })
  const chosen = await Promise.all([items.nth(0), items.nth(3)].map(async (i) => Number(await i.getAttribute('data-asset-id'))))
  await page.getByRole('button', { name: 'Export selected…' }).click()
  await expect(page.getByTestId('export-dialog').getByRole('heading')).toHaveText('Export 2 files')
  const embedded = join(out, 'embedded.zip')
  await runExport(page, { destination: embedded, embed: true })
  await expect(dialog).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  const { items: assets } = await app.call('listGallery', {})
  const zip2 = await readZip(embedded)
  const json2 = JSON.parse(zip2.get('manifest.json')!.toString('utf8')) as { files: ManifestRow[] }
  expect(json2.files).toHaveLength(2)
  expect(json2.files.map((f) => f.prompt).sort()).toEqual(
    assets
      .filter((a) => chosen.includes(a.id))
      .map((a) => a.prompt)
      .sort()
  )
  for (const f of json2.files) {
    const png = zip2.get(f.file)!
    expect(readPngText(png).prompt).toBe(f.prompt)
    expect(JSON.parse(readPngText(png).parameters).prompt).toBe(f.prompt)
    const original = assets.find((a) => a.jobId === f.job_id)!
    expect(sha256(readFileSync(original.path))).toBe(f.sha256)
    expect(sha256(png)).not.toBe(f.sha256)
  }
})

test('exports to a folder named by the template', async ({ page }) => {
  await openGallery(page, PROMPTS.length)
  await page.getByRole('button', { name: 'Export all…' }).click()
  const folder = join(out, 'as-folder')
  const dialog = await runExport(page, { destination: folder, format: 'Folder', template: '{provider}/{job}-{index}' })
  await expect(dialog).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
  await expect(dialog.getByTestId('export-path')).toHaveText(folder)
  const json = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { files: ManifestRow[] }
  expect(readdirSync(join(folder, 'demo')).sort()).toEqual(json.files.map((f) => f.file.replace('demo/', '')).sort())
  for (const f of json.files) {
    expect(f.file).toBe(`demo/${f.job_id}-1.png`)
    expect(sha256(readFileSync(join(folder, f.file)))).toBe(f.sha256)
  }
  // The same destination again is refused, and says so; the dialog stays open to pick another.
  await dialog.getByRole('button', { name: 'Close' }).click()
  await page.getByRole('button', { name: 'Export all…' }).click()
  await runExport(page, { destination: folder, format: 'Folder' })
  await expect(dialog).toHaveAttribute('data-state', 'failed', { timeout: 30_000 })
  await expect(dialog.getByRole('alert')).toContainText('already exists')
})

test('an export canceled midway leaves nothing at its destination', async ({ page }) => {
  // A separate library of 30 results, each padded (sparse, after the PNG's end) to 8 MB so the export
  // runs long enough to cancel: the demo's own 256-pixel files export in a few milliseconds.
  const big = await startHeadlessApp({ demo: { durationMs: 300, failureRate: 0 } })
  try {
    const prompts = Array.from({ length: 30 }, (_, i) => `cancel test picture ${i + 1}`)
    await big.call('queuePrompts', { prompts, batchName: 'Cancel e2e' })
    await expect.poll(async () => (await big.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(30)
    const { items } = await big.call('listGallery', { limit: 100 })
    for (const a of items) truncateSync(a.path, 8 * 1024 * 1024)

    await page.goto(big.url)
    await page.getByRole('tab', { name: 'Gallery' }).click()
    await expect(page.getByTestId('gallery-count')).toHaveText('30 items')
    await page.getByRole('button', { name: 'Export all…' }).click()
    const destination = join(out, 'canceled', 'big.zip')
    const dialog = await runExport(page, { destination })
    const cancel = dialog.getByRole('button', { name: 'Cancel export' })
    await expect(cancel).toBeEnabled()
    await cancel.click()
    await expect(dialog).toHaveAttribute('data-state', 'canceled', { timeout: 30_000 })
    await expect(dialog.getByTestId('export-result')).toContainText('Export canceled')
    expect(existsSync(destination)).toBe(false)
    // Nor any partial file beside it.
    const dir = dirname(destination)
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([])

    // Starting again from the same dialog then finishes, at the same destination.
    await dialog.getByRole('button', { name: 'Export again' }).click()
    await expect(dialog).toHaveAttribute('data-state', 'done', { timeout: 60_000 })
    expect(statSync(destination).size).toBeGreaterThan(30 * 8 * 1024 * 1024)
  } finally {
    await big.stop()
  }
})
