// The real simulator (src/main/demo/server.ts), started in the test process so a spec can point
// the headless app at it with `<NAME>_BASE_URL` / `<NAME>_API_KEY`. Loaded by a path held in a variable, so
// this config's type check does not follow it: main's sources are checked under tsconfig.node.json, and with
// this config's DOM lib their Node Buffer response bodies do not type-check.
const SERVER_MODULE = '../../src/main/demo/server'

export type SimProtocol = 'letzai' | 'bfl' | 'wondercat' | 'apixo' | 'umrgen'

export interface E2ESimulator {
  baseUrl(protocol: SimProtocol): string
  close(): Promise<void>
}

export interface E2ESimulatorOptions {
  durationMs?: number
  failureRate?: number
  /** The key each protocol accepts. */
  keys?: Partial<Record<SimProtocol, string>>
  urlTtlMs?: number
}

export async function startE2ESimulator(options: E2ESimulatorOptions): Promise<E2ESimulator> {
  const server = (await import(SERVER_MODULE)) as { startSimulator(options: E2ESimulatorOptions): Promise<E2ESimulator> }
  return server.startSimulator(options)
}
