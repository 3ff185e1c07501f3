// Prompt files for `batch-studio run`: plain text (one prompt a line), CSV (RFC 4180, a header row with a
// `prompt` column) and JSON lines. Parsing and validation never stop at the first problem: the whole file is
// checked and every problem kept with its line, so that nothing is queued from a file that is partly wrong.
import { extname } from 'node:path'
import { JOB_KINDS, PROVIDER_IDS, providerInfo, type JobKind, type ModelInfo, type ProviderId } from '../../shared/catalogue'

export type PromptFormat = 'txt' | 'csv' | 'jsonl'

/** A row as written in the file; values not yet checked. */
export interface RawRow {
  line: number
  prompt: unknown
  provider?: unknown
  model?: unknown
  count?: unknown
  params?: unknown
}

export interface Problem {
  line: number
  message: string
}

export type ParamValue = string | number | boolean

/** A row checked against the catalogue, with the command line's defaults applied. */
export interface PromptRow {
  line: number
  prompt: string
  provider: ProviderId
  model: string
  kind: JobKind
  count: number
  params: Record<string, ParamValue>
}

export interface RowDefaults {
  provider: ProviderId
  model?: string
  kind?: JobKind
  count: number
}

export const MAX_PROMPT_LENGTH = 10_000
export const MAX_COUNT = 100
const FIELDS = ['prompt', 'provider', 'model', 'count', 'params'] as const

export function formatOf(file: string): PromptFormat {
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl'
  return 'txt'
}

function normalise(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

export function parseTxt(text: string): { rows: RawRow[]; problems: Problem[] } {
  const rows: RawRow[] = []
  normalise(text)
    .split('\n')
    .forEach((raw, i) => {
      const prompt = raw.trim()
      if (prompt && !prompt.startsWith('#')) rows.push({ line: i + 1, prompt })
    })
  return { rows, problems: [] }
}

export interface CsvRecord {
  line: number
  fields: string[]
}

/** RFC 4180: comma-separated, fields may be quoted with `"`, a quote inside is doubled, quoted fields may span lines. */
export function parseCsvRecords(text: string): { records: CsvRecord[]; problems: Problem[] } {
  const s = normalise(text)
  const records: CsvRecord[] = []
  const problems: Problem[] = []
  let i = 0
  let line = 1
  const skipLine = () => {
    while (i < s.length && s[i] !== '\n') i++
    if (i < s.length) {
      i++
      line++
    }
  }
  while (i < s.length) {
    const start = line
    const fields: string[] = []
    let bad = false
    for (;;) {
      let field = ''
      if (s[i] === '"') {
        const fieldLine = line
        i++
        let closed = false
        while (i < s.length) {
          const c = s[i]
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"'
              i += 2
              continue
            }
            i++
            closed = true
            break
          }
          if (c === '\n') line++
          field += c
          i++
        }
        if (!closed) {
          problems.push({ line: fieldLine, message: 'a quoted field is never closed (missing ")' })
          return { records, problems }
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n') {
          problems.push({ line, message: 'unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")' })
          bad = true
          skipLine()
          break
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n') field += s[i++]
        if (field.includes('"')) {
          problems.push({ line, message: 'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")' })
          bad = true
          skipLine()
          break
        }
      }
      fields.push(field)
      if (i < s.length && s[i] === ',') {
        i++
        continue
      }
      if (i < s.length) {
        i++ // the newline
        line++
      }
      break
    }
    if (bad) continue
    // A blank line is no record.
    if (fields.length === 1 && fields[0].trim() === '') continue
    records.push({ line: start, fields })
  }
  return { records, problems }
}

export function parseCsv(text: string): { rows: RawRow[]; problems: Problem[] } {
  const { records, problems } = parseCsvRecords(text)
  const rows: RawRow[] = []
  const [header, ...body] = records
  if (!header) return { rows, problems }
  const columns = header.fields.map((f) => f.trim().toLowerCase())
  const seen = new Set<string>()
  for (const c of columns) {
    if (!(FIELDS as readonly string[]).includes(c)) problems.push({ line: header.line, message: `unknown column "${c}" in the header (columns: ${FIELDS.join(', ')})` })
    else if (seen.has(c)) problems.push({ line: header.line, message: `column "${c}" appears twice in the header` })
    seen.add(c)
  }
  if (!seen.has('prompt')) {
    problems.push({ line: header.line, message: 'the header row has no "prompt" column' })
    return { rows, problems }
  }
  for (const r of body) {
    if (r.fields.length !== columns.length) {
      problems.push({ line: r.line, message: `expected ${columns.length} field${columns.length === 1 ? '' : 's'} (${columns.join(', ')}), found ${r.fields.length}` })
      continue
    }
    const row: RawRow = { line: r.line, prompt: '' }
    columns.forEach((c, k) => {
      const value = r.fields[k]
      if (c === 'prompt') row.prompt = value
      else if (value.trim() === '') return
      else if (c === 'params') {
        try {
          row.params = JSON.parse(value)
        } catch {
          row.params = value // reported by validation as not an object
        }
      } else row[c as 'provider' | 'model' | 'count'] = value.trim()
    })
    rows.push(row)
  }
  return { rows, problems }
}

export function parseJsonl(text: string): { rows: RawRow[]; problems: Problem[] } {
  const rows: RawRow[] = []
  const problems: Problem[] = []
  normalise(text)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1
      if (!raw.trim()) return
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch (err) {
        problems.push({ line, message: `not valid JSON (${(err as Error).message})` })
        return
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ line, message: 'each line must be a JSON object like {"prompt": "..."}' })
        return
      }
      const obj = value as Record<string, unknown>
      const unknown = Object.keys(obj).filter((k) => !(FIELDS as readonly string[]).includes(k))
      if (unknown.length) {
        problems.push({ line, message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (fields: ${FIELDS.join(', ')})` })
        return
      }
      if (!('prompt' in obj)) {
        problems.push({ line, message: 'no "prompt" field' })
        return
      }
      rows.push({ line, prompt: obj.prompt, provider: obj.provider, model: obj.model, count: obj.count, params: obj.params })
    })
  return { rows, problems }
}

export function parsePromptFile(text: string, format: PromptFormat): { rows: RawRow[]; problems: Problem[] } {
  return format === 'csv' ? parseCsv(text) : format === 'jsonl' ? parseJsonl(text) : parseTxt(text)
}

function isProvider(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value)
}

export function isKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value)
}

export function unknownProvider(value: string): string {
  return `unknown provider "${value}" (providers: ${PROVIDER_IDS.join(', ')})`
}

/** The model a row runs on, or why there is none. */
export function pickModel(provider: ProviderId, model: string | undefined, kind: JobKind | undefined): ModelInfo | string {
  const info = providerInfo(provider)
  if (model !== undefined) {
    const m = info.models.find((x) => x.id === model)
    if (!m) return `${info.label} has no model "${model}" (models: ${info.models.map((x) => x.id).join(', ')})`
    if (kind && m.kind !== kind) return `model "${model}" of ${info.label} makes ${m.kind} jobs, not ${kind}`
    return m
  }
  const m = info.models.find((x) => !kind || x.kind === kind)
  return m ?? `${info.label} has no ${kind} model`
}

function checkParams(raw: unknown, model: ModelInfo): Record<string, ParamValue> | string {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '"params" must be a JSON object like {"width": 1024}'
  const out: Record<string, ParamValue> = {}
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) return `param "${name}" must be a string, number or boolean`
    const spec = model.params?.find((p) => p.name === name)
    if (spec?.type === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `param "${name}" must be a number`
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return `param "${name}" must be between ${spec.min} and ${spec.max}`
    }
    if (spec?.type === 'select' && !spec.options?.includes(String(value))) return `param "${name}" must be one of ${spec.options?.join(', ')}`
    out[name] = value as ParamValue
  }
  return out
}

function checkCount(raw: unknown): number | string {
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_COUNT) return `count must be a whole number from 1 to ${MAX_COUNT}`
  return n
}

/** Checks one row and applies the defaults; a string is the problem. */
export function resolveRow(raw: RawRow, d: RowDefaults): PromptRow | string {
  if (typeof raw.prompt !== 'string') return '"prompt" must be a string'
  const prompt = raw.prompt.trim()
  if (!prompt) return 'the prompt is empty'
  if (prompt.length > MAX_PROMPT_LENGTH) return `the prompt is ${prompt.length} characters long (at most ${MAX_PROMPT_LENGTH})`
  if (raw.provider !== undefined && typeof raw.provider !== 'string') return '"provider" must be a string'
  const providerName = (raw.provider as string | undefined) ?? d.provider
  if (!isProvider(providerName)) return unknownProvider(providerName)
  if (raw.model !== undefined && (typeof raw.model !== 'string' || !raw.model)) return '"model" must be a non-empty string'
  const model = pickModel(providerName, (raw.model as string | undefined) ?? d.model, d.kind)
  if (typeof model === 'string') return model
  if (model.kind === 'trim') return `model "${model.id}" edits an earlier job's output and cannot be queued from a prompt file`
  const count = raw.count === undefined ? d.count : checkCount(raw.count)
  if (typeof count === 'string') return count
  const params = checkParams(raw.params, model)
  if (typeof params === 'string') return params
  return { line: raw.line, prompt, provider: providerName, model: model.id, kind: model.kind, count, params }
}

/** Parses and checks a whole prompt file: rows only when there is no problem at all. */
export function readPrompts(text: string, format: PromptFormat, d: RowDefaults): { rows: PromptRow[]; problems: Problem[] } {
  const parsed = parsePromptFile(text, format)
  const problems = [...parsed.problems]
  const rows: PromptRow[] = []
  for (const raw of parsed.rows) {
    const row = resolveRow(raw, d)
    if (typeof row === 'string') problems.push({ line: raw.line, message: row })
    else rows.push(row)
  }
  problems.sort((a, b) => a.line - b.line)
  return { rows, problems }
}

export interface QueueGroup {
  provider: ProviderId
  model: string
  params: Record<string, ParamValue>
  /** Each prompt repeated `count` times, in file order. */
  prompts: string[]
  lines: number[]
}

function stableJson(params: Record<string, ParamValue>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))))
}

/** One queue call per provider, model and params: jobs of a call share them. */
export function groupRows(rows: PromptRow[]): QueueGroup[] {
  const groups = new Map<string, QueueGroup>()
  for (const r of rows) {
    const key = `${r.provider}\u0000${r.model}\u0000${stableJson(r.params)}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { provider: r.provider, model: r.model, params: r.params, prompts: [], lines: [] }))
    for (let k = 0; k < r.count; k++) g.prompts.push(r.prompt)
    g.lines.push(r.line)
  }
  return [...groups.values()]
}
