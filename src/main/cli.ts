// `batch-studio` (`npm run cli -- <command>`): queue prompt files, resume unfinished jobs and list the
// library from a terminal or a script, on the same data folder (and database) as the app.
// Exit codes: 0 all done with files on disk, 1 some job did not end done, 2 bad usage or configuration
// (or a provider paused its queue: key rejected, no credits), 130/143 interrupted. With --json, the last
// line of stdout is one JSON object; progress and errors go to stderr.
import { HELP, parseCommandLine, UsageError } from './cli/args'
import { EXIT, resumeCommand, runCommand, statusCommand, type Io, type Outcome } from './cli/commands'
import { sendCommand, sheetCommand } from './cli/lineageCommands'

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!text) return resolve()
    stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve())
  })
}

async function main(argv: string[], io: Io): Promise<number> {
  const json = argv.includes('--json')
  if (argv.length === 0) {
    await write(io.stderr, HELP.main)
    return EXIT.usage
  }
  let outcome: Outcome
  try {
    const parsed = parseCommandLine(argv)
    switch (parsed.command) {
      case 'help':
        await write(io.stdout, HELP[parsed.topic])
        return EXIT.ok
      case 'run':
        outcome = await runCommand(parsed.values, io)
        break
      case 'resume':
        outcome = await resumeCommand(parsed.values, io)
        break
      case 'status':
        outcome = await statusCommand(parsed.values, io)
        break
      case 'send':
        outcome = await sendCommand(parsed.values, io)
        break
      case 'sheet':
        outcome = await sheetCommand(parsed.values, io)
        break
    }
  } catch (err) {
    const usage = err instanceof UsageError
    const message = (err as Error).message.replace(/\s*\n\s*/g, ' ')
    const hint = usage && err.command ? ` (see batch-studio ${err.command} --help)` : ''
    await write(io.stderr, `error: ${message}${hint}`)
    if (json) await write(io.stdout, JSON.stringify({ jobs: [], error: message }))
    return usage ? EXIT.usage : EXIT.jobs
  }
  await write(io.stdout, outcome.out)
  return outcome.code
}

const code = await main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() })
// Exit explicitly: nothing is left to wait for once the report is out.
process.exit(code)
