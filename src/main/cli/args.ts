// Command-line parsing and help for `batch-studio`. A usage problem is a UsageError: exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { PROVIDER_IDS } from '../../shared/catalogue'

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the message points to. */
    readonly command?: string
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

export const COMMANDS = ['run', 'resume', 'status', 'send', 'sheet'] as const
export type CommandName = (typeof COMMANDS)[number]

const ENVIRONMENT = `Environment:
  BATCH_STUDIO_DATA_DIR   data folder (library.sqlite, config.json, keys/); --data-dir wins
  <NAME>_API_KEY          API key of a provider, NAME in LETZAI, BFL, WONDERCAT, APIXO, UMRGEN
  <NAME>_API_KEY_FILE     file holding that key (default <data-dir>/keys/<provider>.key);
                          used only when its permissions are 0600; the variable above wins
  <NAME>_BASE_URL         a provider's API base URL (https, or http on 127.0.0.1)
  DEMO_BASE_URL           the demo provider's simulator (default: a built-in one)`

export const HELP: Record<CommandName | 'main', string> = {
  main: `Usage: batch-studio <command> [options]

Queue prompts against AI generation APIs from the command line. The jobs live in the same library as the
Batch Studio app: they show up there, and the app's jobs show up here.

Commands:
  run      queue the prompts of a file and wait until every job has ended
  resume   carry on with every unfinished job in the library
  status   list the library's jobs and their counts
  send     send picked results (job or file ids, or a filter) to a next step: upscale, edit, video
  sheet    write a batch's comparison sheet as a PNG contact sheet (or an HTML page)

Run \`batch-studio <command> --help\` for a command's options.

Exit codes: 0 every job done with its files on disk; 1 a job failed, was canceled or needs attention,
or the run's budget (--max-cost) stopped it;
2 bad usage or configuration (nothing queued), or a provider paused the queue (key rejected, no credits);
130/143 interrupted by SIGINT/SIGTERM. Unfinished jobs are always kept: \`batch-studio resume\`.

${ENVIRONMENT}`,

  run: `Usage: batch-studio run --prompts FILE [options]

Queues every prompt of FILE, waits until each job has ended, and reports. The whole file is checked first:
if any row is wrong, nothing is queued.

  --prompts FILE     .txt: one prompt a line (blank lines and lines starting with # skipped)
                     .csv: a header row with a "prompt" column and optional "provider", "model",
                           "count", "params" (JSON object), "input" (file path; several separated
                           by |) columns; RFC 4180 quoting
                     .jsonl: one object a line: {"prompt", "provider"?, "model"?, "count"?, "params"?,
                           "input"? (a path or a list of paths)}
                     Relative input paths are taken from the prompt file's folder.
  --provider P       ${PROVIDER_IDS.join('|')} (default: the app's default provider)
  --model M          model of that provider (default: its first model of --kind); any id the
                     provider accepts, listed in the app or not
  --input FILE       an input file for every job (edit, upscale, image-to-video); repeatable
  --kind K           image|video|edit|upscale|audio: picks the default model
  --count N          jobs per prompt, 1-100 (default 1; a row's own count wins)
  --out DIR          output folder for this run's files (this run only; the app's setting is unchanged)
  --batch NAME       batch name (default: the prompt file's name)
  --data-dir DIR     data folder (default: BATCH_STUDIO_DATA_DIR or the app's)
  --dry-run          print the run's estimated cost (and the models of unknown price), queue nothing
  --max-cost AMOUNT  a budget for this run's batch in dollars (e.g. 5 or $5.00): no job is sent once
                     it would pass the budget; the run then stops with exit code 1 and the reason
  --allow-unknown-cost
                     queue jobs of unknown price although a budget applies (it cannot hold them back)
  --json             print one JSON object as the last line of stdout:
                     {"jobs":[{"id","provider","model","prompt","status","files","error"}],"estimate","costs"}
  -h, --help         this help

The estimated cost is printed to stderr before anything is queued. Progress goes to stderr (a bar when stderr is a terminal). Ctrl-C stops cleanly; \`batch-studio resume\`
carries on where it stopped.

${ENVIRONMENT}`,

  resume: `Usage: batch-studio resume [options]

Opens the library, carries on with every job that was unfinished (queued, sending, running, downloading),
waits until they have ended, and reports them. A job caught between sending and storing its id is not
sent again: it needs attention (check the provider, then retry it in the app).

  --data-dir DIR     data folder (default: BATCH_STUDIO_DATA_DIR or the app's)
  --json             print one JSON object as the last line of stdout (the jobs that were unfinished)
  -h, --help         this help

${ENVIRONMENT}`,

  send: `Usage: batch-studio send --model M (--jobs IDS | --assets IDS | --favorites | --batch-id N) [options]

Makes one job per picked file, each taking that file as its input (an upscale, an edit, an image to video, a
new picture with it as reference), in a new batch; waits until each has ended, and reports. Every file is
checked first (the model takes it, it is still on disk, the provider can take a local file): if one cannot
go, nothing is queued.

  --jobs IDS         every file of these jobs (comma-separated ids)
  --assets IDS       these gallery files (comma-separated ids)
  --favorites        every favourite (with the filters below: the gallery's filter)
  --batch-id N       every file of batch N
  --min-rating N     files rated N or more
  --provider P       ${PROVIDER_IDS.join('|')} (default: the app's default provider)
  --model M          the step's model (e.g. upscales, image-edits, videos on the demo)
  --prompt TEXT      the step's prompt (default: each file's own)
  --params JSON      the model's parameters, a JSON object
  --batch NAME       the new batch's name
  --data-dir DIR     data folder (default: BATCH_STUDIO_DATA_DIR or the app's)
  --json             print one JSON object as the last line of stdout (as run does)
  -h, --help         this help

${ENVIRONMENT}`,

  sheet: `Usage: batch-studio sheet --batch-id N [options]

Writes batch N's comparison sheet — its rows × columns (a matrix's prompts × models, its variations as
pages), labels drawn in, failed and waiting cells in place — into a folder. Reads the library only.

  --batch-id N       the batch
  --out DIR          folder for the sheet (default: the working folder)
  --format F         png (default) or html (a page with the files beside it)
  --cell PX          cell size in pixels for the PNG, 64-1024 (default 256)
  --data-dir DIR     data folder (default: BATCH_STUDIO_DATA_DIR or the app's)
  --json             print {"path","cells"} as the last line of stdout
  -h, --help         this help`,

  status: `Usage: batch-studio status [options]

Lists the library's jobs (id, status, provider/model, prompt, files) and the count of each status. Changes
nothing: it does not run any job.

  --limit N          only the N most recent jobs (default: all with --json, 50 otherwise)
  --data-dir DIR     data folder (default: BATCH_STUDIO_DATA_DIR or the app's)
  --json             print one JSON object as the last line of stdout
  -h, --help         this help

${ENVIRONMENT}`
}

const common = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

const OPTIONS = {
  run: {
    ...common,
    provider: { type: 'string' },
    model: { type: 'string' },
    kind: { type: 'string' },
    input: { type: 'string', multiple: true },
    prompts: { type: 'string' },
    count: { type: 'string' },
    out: { type: 'string' },
    batch: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'max-cost': { type: 'string' },
    'allow-unknown-cost': { type: 'boolean' }
  },
  resume: common,
  status: { ...common, limit: { type: 'string' } },
  send: {
    ...common,
    jobs: { type: 'string' },
    assets: { type: 'string' },
    favorites: { type: 'boolean' },
    'batch-id': { type: 'string' },
    'min-rating': { type: 'string' },
    provider: { type: 'string' },
    model: { type: 'string' },
    prompt: { type: 'string' },
    params: { type: 'string' },
    batch: { type: 'string' }
  },
  sheet: { ...common, 'batch-id': { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, cell: { type: 'string' } }
} as const satisfies Record<CommandName, ParseArgsConfig['options']>

export type Values<C extends CommandName> = {
  [K in keyof (typeof OPTIONS)[C]]?: (typeof OPTIONS)[C][K] extends { type: 'boolean' }
    ? boolean
    : (typeof OPTIONS)[C][K] extends { multiple: true }
      ? string[]
      : string
}

export type Parsed = { [C in CommandName]: { command: C; values: Values<C> } }[CommandName] | { command: 'help'; topic: CommandName | 'main' }

export function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name)
}

export function parseCommandLine(argv: string[]): Parsed {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help', topic: 'main' }
  if (first === 'help') {
    const topic = rest[0]
    if (topic === undefined) return { command: 'help', topic: 'main' }
    if (!isCommand(topic)) throw new UsageError(`unknown command "${topic}" (commands: ${COMMANDS.join(', ')})`)
    return { command: 'help', topic }
  }
  if (!isCommand(first))
    throw new UsageError(
      first.startsWith('-')
        ? `expected a command before ${first} (commands: ${COMMANDS.join(', ')})`
        : `unknown command "${first}" (commands: ${COMMANDS.join(', ')})`
    )
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args: rest, options: OPTIONS[first] as ParseArgsConfig['options'], strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }), first)
  }
  if (values.help) return { command: 'help', topic: first }
  return { command: first, values } as unknown as Parsed
}

function describeParseError(err: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(err.message)?.[1]
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim()
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${option ? `"${option}"` : ''}`.trim()
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return err.message.replace(/^Option '([^']+)'/, 'option $1').split('. ')[0]
    default:
      return err.message
  }
}

/** A whole number option within bounds. */
export function intOption(name: string, raw: string | undefined, min: number, max: number, command: CommandName): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`, command)
  return Number(raw)
}

/** --max-cost: dollars, as "5", "5.50" or "$5.50". */
export function moneyOption(name: string, raw: string | undefined, command: CommandName): number | undefined {
  if (raw === undefined) return undefined
  const m = /^\s*\$?\s*(\d+(?:\.\d+)?)\s*$/.exec(raw)
  if (!m || !Number.isFinite(Number(m[1]))) throw new UsageError(`--${name} must be an amount in dollars, e.g. 5 or $5.50`, command)
  return Number(m[1])
}
