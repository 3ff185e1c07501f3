// The one rule for a provider's base URL, applied by main (settings, environment, the CLI) and by the
// renderer before saving, so the user hears the same words in both: https, or plain http on this machine.

export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The URL, or an Error saying why it cannot be a base URL. */
export function checkBaseUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`Base URL "${raw}" is not a URL`)
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url
  throw new Error(`Base URL "${raw}" must use https (plain http is allowed only on 127.0.0.1 or localhost)`)
}
