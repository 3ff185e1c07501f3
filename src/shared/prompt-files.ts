// Prompt files, for the composer (imported or dropped) and the CLI's `batch-studio run` alike: plain text
// (one prompt a line), CSV (RFC 4180, a header row with a `prompt` column) and JSON lines. The whole file is
// checked and every problem kept with its line, so nothing is queued from a file that is partly wrong.
// Reading is a generator (checkedRows), so the composer can read a 100,000-row file a slice at a time.
import { JOB_KINDS, PROVIDER_IDS, providerInfo, type JobKind, type ModelInfo, type ProviderId } from './catalogue'

export type PromptFormat = 'txt' | 'csv' | 'jsonl'

/** A row as written in the file; values not yet checked. */
export interface RawRow {
  line: number
  /** The row's last line, when a quoted field made it span several. */
  lastLine?: number
  prompt: unknown
  provider?: unknown
  model?: unknown
  count?: unknown
  params?: unknown
  input?: unknown
}

export interface Problem {
  line: number
  message: string
  /** The last line this problem keeps out of the queue, when it spans more than `line` (a record over several lines). */
  lastLine?: number
}

/** How many lines of a file the problems keep out of the queue (a problem may span several lines; a line may have several problems). */
export function linesNotQueued(problems: readonly Problem[]): number {
  const lines = new Set<number>()
  for (const p of problems) for (let l = p.line; l <= (p.lastLine ?? p.line); l++) lines.add(l)
  return lines.size
}

export type ParamValue = string | number | boolean

/** A row checked against the catalogue, with the defaults applied. */
export interface PromptRow {
  line: number
  prompt: string
  provider: ProviderId
  model: string
  kind: JobKind
  count: number
  params: Record<string, ParamValue>
  /** Input files the row's jobs start from, as written (the CLI resolves relative paths against the file's folder). */
  inputs: string[]
}

export interface RowDefaults {
  provider: ProviderId
  /** For rows on `provider`; a row on another provider starts at that provider's first model (of `kind`). */
  model?: string
  /** Picks the default model: the first of this kind. */
  kind?: JobKind
  count: number
  /** Input files every row gets besides its own (the CLI's --input). */
  sharedInputs?: number
}

export const MAX_PROMPT_LENGTH = 10_000
export const MAX_COUNT = 100
/** queuePrompts takes at most this many prompts a call; bigger groups are sent in several calls. */
export const MAX_PROMPTS_PER_CALL = 100_000
const FIELDS = ['prompt', 'provider', 'model', 'count', 'params', 'input'] as const
/** Several input files in one CSV cell are separated by this. */
export const INPUT_SEPARATOR = '|'
/** Also accepted for `params`, in CSV headers and JSON objects. */
const PARAMS_ALIAS = 'parameters'
const FIELD_LIST = `${FIELDS.join(', ')} (or ${PARAMS_ALIAS})`

type Item = { row: RawRow; problem?: undefined } | { problem: Problem; row?: undefined }

export function formatOf(fileName: string): PromptFormat {
  const ext = /\.[^./\\]+$/.exec(fileName.toLowerCase())?.[0] ?? ''
  if (ext === '.csv') return 'csv'
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl'
  return 'txt'
}

function normalise(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

/** A .txt file's prompts: one per line, trimmed, blank lines and "#" comment lines left out. */
export function txtPrompts(text: string): string[] {
  const out: string[] = []
  for (const item of txtItems(text)) out.push(item.row!.prompt as string)
  return out
}

function* txtItems(text: string): Generator<Item> {
  const lines = normalise(text).split('\n')
  for (let i = 0; i < lines.length; i++) {
    const prompt = lines[i].trim()
    if (prompt && !prompt.startsWith('#')) yield { row: { line: i + 1, prompt } }
  }
}

export interface CsvRecord {
  line: number
  /** Its last line (a quoted field may span lines). */
  lastLine: number
  fields: string[]
}

/** A problem's or row's `lastLine`, when it spans more than its first line. */
function lineRange(first: number, last: number): { lastLine?: number } {
  return last > first ? { lastLine: last } : {}
}

/**
 * RFC 4180: comma-separated, fields may be quoted with `"`, a quote inside is doubled, quoted fields may span lines.
 * Hand-written on purpose: csv-parse 7 (tried for issue 15, with skip_records_with_error) drops the rows after a
 * quote left open — silently when no later quote follows — where this reader names the line the quote opened on
 * and reads on from the next one, so no good row is lost or blamed.
 */
export function* csvRecords(text: string): Generator<{ record: CsvRecord; problem?: undefined } | { problem: Problem; record?: undefined }> {
  const s = normalise(text)
  let i = 0
  let line = 1
  const skipLine = () => {
    const nl = s.indexOf('\n', i)
    if (nl < 0) i = s.length
    else {
      i = nl + 1
      line++
    }
  }
  while (i < s.length) {
    const start = line
    const fields: string[] = []
    let bad: Problem | null = null
    for (;;) {
      let field = ''
      if (s[i] === '"') {
        const fieldLine = line
        const opened = i
        // A quote left open is the usual mistake, and it swallows the lines after it up to the next quote: say
        // where it opened and read on from the next line, so the rows after it are neither lost nor blamed.
        const unclosed = (next: string): Problem => {
          const nl = s.indexOf('\n', opened)
          i = nl < 0 ? s.length : nl + 1
          line = fieldLine + 1
          return { line: fieldLine, message: `the quote opened on this line is never closed (missing "); ${next}`, ...lineRange(start, fieldLine) }
        }
        i++
        let closed = false
        while (i < s.length) {
          const q = s.indexOf('"', i)
          if (q < 0) break
          const chunk = s.slice(i, q)
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++
          field += chunk
          if (s[q + 1] === '"') {
            field += '"'
            i = q + 2
            continue
          }
          i = q + 1
          closed = true
          break
        }
        if (!closed) {
          bad = unclosed('no other quote follows in the file')
          break
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n') {
          if (line > fieldLine) {
            bad = unclosed(`the next quote, on line ${line}, did not end it`)
            break
          }
          bad = { line, message: 'unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")', ...lineRange(start, line) }
          skipLine()
          break
        }
      } else {
        let end = i
        while (end < s.length && s[end] !== ',' && s[end] !== '\n') end++
        field = s.slice(i, end)
        i = end
        if (field.includes('"')) {
          bad = { line, message: 'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")', ...lineRange(start, line) }
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
    if (bad) {
      yield { problem: bad }
      continue
    }
    // A blank line is no record.
    if (fields.length === 1 && fields[0].trim() === '') continue
    yield { record: { line: start, lastLine: line > start && s[i - 1] === '\n' ? line - 1 : line, fields } }
  }
}

function columnName(raw: string): string {
  const c = raw.trim().toLowerCase()
  return c === PARAMS_ALIAS ? 'params' : c
}

function* csvItems(text: string): Generator<Item> {
  let columns: string[] | null = null
  for (const item of csvRecords(text)) {
    if (item.problem) {
      yield item
      continue
    }
    const r = item.record
    if (!columns) {
      columns = r.fields.map(columnName)
      const seen = new Set<string>()
      for (const c of columns) {
        if (!(FIELDS as readonly string[]).includes(c))
          yield { problem: { line: r.line, message: `unknown column "${c}" in the header (columns: ${FIELD_LIST})` } }
        else if (seen.has(c)) yield { problem: { line: r.line, message: `column "${c}" appears twice in the header` } }
        seen.add(c)
      }
      if (!seen.has('prompt')) {
        yield { problem: { line: r.line, message: 'the header row has no "prompt" column' } }
        return
      }
      continue
    }
    if (r.fields.length !== columns.length) {
      yield {
        problem: {
          line: r.line,
          message: `expected ${columns.length} field${columns.length === 1 ? '' : 's'} (${columns.join(', ')}), found ${r.fields.length}`,
          ...lineRange(r.line, r.lastLine)
        }
      }
      continue
    }
    const row: RawRow = { line: r.line, ...lineRange(r.line, r.lastLine), prompt: '' }
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
      } else if (c === 'provider' || c === 'model' || c === 'count' || c === 'input') row[c] = value.trim()
    })
    yield { row }
  }
}

function* jsonlItems(text: string): Generator<Item> {
  const lines = normalise(text).split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const raw = lines[i]
    if (!raw.trim()) continue
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      yield { problem: { line, message: `not valid JSON (${(err as Error).message})` } }
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { problem: { line, message: 'each line must be a JSON object like {"prompt": "..."}' } }
      continue
    }
    const obj = value as Record<string, unknown>
    const unknown = Object.keys(obj).filter((k) => !(FIELDS as readonly string[]).includes(k) && k !== PARAMS_ALIAS)
    if (unknown.length) {
      yield { problem: { line, message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (fields: ${FIELD_LIST})` } }
      continue
    }
    if ('params' in obj && PARAMS_ALIAS in obj) {
      yield { problem: { line, message: `both "params" and "${PARAMS_ALIAS}" given: use one` } }
      continue
    }
    if (!('prompt' in obj)) {
      yield { problem: { line, message: 'no "prompt" field' } }
      continue
    }
    yield {
      row: { line, prompt: obj.prompt, provider: obj.provider, model: obj.model, count: obj.count, params: obj.params ?? obj[PARAMS_ALIAS], input: obj.input }
    }
  }
}

function items(text: string, format: PromptFormat): Generator<Item> {
  return format === 'csv' ? csvItems(text) : format === 'jsonl' ? jsonlItems(text) : txtItems(text)
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

/** Folds a name the way a user may type it: any case, spaces squeezed. */
function folded(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * A listed model by a name the user saw in the app rather than its id: the id in any case, its label ("Image"),
 * or its label without the part in brackets ("Video" for "Video (from a picture)"). Only an unambiguous match.
 */
function modelByName(models: readonly ModelInfo[], name: string): ModelInfo | undefined {
  const want = folded(name)
  for (const nameOf of [(m: ModelInfo) => m.id, (m: ModelInfo) => m.label, (m: ModelInfo) => m.label.replace(/\s*\(.*\)\s*$/, '')]) {
    const found = models.filter((m) => folded(nameOf(m)) === want)
    if (found.length === 1) return found[0]
  }
  return undefined
}

/** A provider by its id in any case or its name as the app shows it ("Demo", "LetzAI"). */
function providerByName(name: string): ProviderId | undefined {
  const want = folded(name)
  return PROVIDER_IDS.find(
    (id) => id === want || folded(providerInfo(id).label) === want || folded(providerInfo(id).label.replace(/\s*\(.*\)\s*$/, '')) === want
  )
}

/**
 * The model a row runs on, or why there is none. A model id the catalogue does not list is taken as given
 * (providers add models every month): it makes the default kind, and the provider judges its params.
 */
function pickModel(provider: ProviderId, model: string | undefined, kind?: JobKind): ModelInfo | string {
  const info = providerInfo(provider)
  if (model !== undefined) {
    const m = info.models.find((x) => x.id === model) ?? modelByName(info.models, model)
    if (!m) {
      const k = kind ?? info.kinds[0]
      if (!info.kinds.includes(k)) return `${info.label} makes no ${k} jobs`
      return { id: model, label: model, kind: k, timing: info.genericTiming }
    }
    if (kind && m.kind !== kind) return `model "${model}" of ${info.label} makes ${m.kind} jobs, not ${kind}`
    return m
  }
  return info.models.find((x) => !kind || x.kind === kind) ?? `${info.label} has no ${kind} model`
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
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
        return `param "${name}" must be between ${spec.min} and ${spec.max}`
    }
    if (spec?.type === 'select' && !spec.options?.includes(String(value))) return `param "${name}" must be one of ${spec.options?.join(', ')}`
    out[name] = value as ParamValue
  }
  return out
}

function checkInputs(raw: unknown): string[] | string {
  if (raw === undefined || raw === null || raw === '') return []
  const list =
    typeof raw === 'string'
      ? raw
          .split(INPUT_SEPARATOR)
          .map((p) => p.trim())
          .filter(Boolean)
      : raw
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !p))
    return `"input" must be a file path, or several separated by "${INPUT_SEPARATOR}" (a list of paths in JSON lines)`
  if (list.length > 16) return `at most 16 input files a row (${list.length} given)`
  return list as string[]
}

function checkCount(raw: unknown): number | string {
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_COUNT) return `count must be a whole number from 1 to ${MAX_COUNT}`
  return n
}

/** Whether the catalogue lists this model (an unlisted one takes whatever inputs it is given). */
function info(provider: ProviderId, model: string): boolean {
  return providerInfo(provider).models.some((m) => m.id === model)
}

/** Checks one row and applies the defaults; a string is the problem. */
export function resolveRow(raw: RawRow, d: RowDefaults): PromptRow | string {
  if (typeof raw.prompt !== 'string') return '"prompt" must be a string'
  const prompt = raw.prompt.trim()
  if (!prompt) return 'the prompt is empty'
  if (prompt.length > MAX_PROMPT_LENGTH) return `the prompt is ${prompt.length} characters long (at most ${MAX_PROMPT_LENGTH})`
  if (raw.provider !== undefined && typeof raw.provider !== 'string') return '"provider" must be a string'
  const providerGiven = (raw.provider as string | undefined) ?? d.provider
  const providerName = isProvider(providerGiven) ? providerGiven : providerByName(providerGiven)
  if (!providerName) return unknownProvider(providerGiven)
  if (raw.model !== undefined && (typeof raw.model !== 'string' || !raw.model)) return '"model" must be a non-empty string'
  const model = pickModel(providerName, (raw.model as string | undefined) ?? (providerName === d.provider ? d.model : undefined), d.kind)
  if (typeof model === 'string') return model
  if (model.kind === 'trim') return `model "${model.id}" edits an earlier job's output and cannot be queued from a prompt file`
  const count = raw.count === undefined ? d.count : checkCount(raw.count)
  if (typeof count === 'string') return count
  const params = checkParams(raw.params, model)
  if (typeof params === 'string') return params
  const inputs = checkInputs(raw.input)
  if (typeof inputs === 'string') return inputs
  const given = inputs.length + (d.sharedInputs ?? 0)
  if (model.input && given < model.input.min)
    return `model "${model.id}" needs ${model.input.min === 1 ? `an input ${model.input.media}` : `${model.input.min} input files`}: add an "input" column with its path`
  if (!model.input && given > 0 && info(providerName, model.id)) return `model "${model.id}" takes no input files`
  return { line: raw.line, prompt, provider: providerName, model: model.id, kind: model.kind, count, params, inputs }
}

export interface ReadResult {
  rows: PromptRow[]
  /** Sorted by line. */
  problems: Problem[]
  /** The queue calls the rows make (groupRows), built as the rows are read. */
  groups: QueueGroup[]
}

/** A row of a file, checked: the row, or the problem with it. */
export type CheckedRow = { row: PromptRow; problem?: undefined } | { problem: Problem; row?: undefined }

/** Every row of a file checked, in file order. */
export function* checkedRows(text: string, format: PromptFormat, d: RowDefaults): Generator<CheckedRow> {
  for (const item of items(text, format)) {
    if (item.problem) yield item
    else {
      const row = resolveRow(item.row, d)
      yield typeof row === 'string'
        ? { problem: { line: item.row.line, message: row, ...(item.row.lastLine ? { lastLine: item.row.lastLine } : {}) } }
        : { row }
    }
  }
}

/** Collects checked rows, their problems and their queue calls. */
export class PromptReader {
  private readonly rows: PromptRow[] = []
  private readonly problems: Problem[] = []
  private readonly grouper = new Grouper()

  add(item: CheckedRow): void {
    if (item.problem) this.problems.push(item.problem)
    else {
      this.rows.push(item.row)
      this.grouper.add(item.row)
    }
  }

  result(): ReadResult {
    this.problems.sort((a, b) => a.line - b.line)
    return { rows: this.rows, problems: this.problems, groups: this.grouper.groups() }
  }
}

/** Parses and checks a whole prompt file at once. */
export function readPrompts(text: string, format: PromptFormat, d: RowDefaults): ReadResult {
  const reader = new PromptReader()
  for (const item of checkedRows(text, format, d)) reader.add(item)
  return reader.result()
}

/** One queuePrompts call: jobs of a call share provider, model, params and count. */
export interface QueueGroup {
  provider: ProviderId
  model: string
  params: Record<string, ParamValue>
  count: number
  prompts: string[]
  /** Each prompt's input files, in the prompts' order. */
  promptInputs: string[][]
  /** Jobs this group makes (prompts × count). */
  jobs: number
  /** The file line of its first prompt, to point at when the call is refused. */
  firstLine: number
}

function stableJson(params: Record<string, ParamValue>): string {
  const keys = Object.keys(params)
  if (keys.length === 0) return '{}'
  if (keys.length > 1) keys.sort()
  let out = ''
  for (const k of keys) out += `${JSON.stringify(k)}:${JSON.stringify(params[k])},`
  return out
}

/** Rows into queue calls, one row at a time. */
class Grouper {
  private readonly byKey = new Map<string, QueueGroup[]>()

  add(r: PromptRow): void {
    const key = `${r.provider}\u0000${r.model}\u0000${r.count}\u0000${stableJson(r.params)}`
    let list = this.byKey.get(key)
    if (!list) this.byKey.set(key, (list = []))
    let g = list[list.length - 1]
    if (!g || g.prompts.length >= MAX_PROMPTS_PER_CALL)
      list.push((g = { provider: r.provider, model: r.model, params: r.params, count: r.count, prompts: [], promptInputs: [], jobs: 0, firstLine: r.line }))
    g.prompts.push(r.prompt)
    g.promptInputs.push(r.inputs)
    g.jobs += r.count
  }

  groups(): QueueGroup[] {
    return [...this.byKey.values()].flat()
  }
}
