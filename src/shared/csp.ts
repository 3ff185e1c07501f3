// The renderer's Content-Security-Policy: only our own scripts and styles, no inline code, no plugins,
// no framing. Sent by the headless bridge, and by the Electron shell with its asset scheme added, since
// its images and media come from files on disk through that scheme.
export function contentSecurityPolicy(assetScheme?: string): string {
  const assets = assetScheme ? ` ${assetScheme}:` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${assets}`,
    `media-src 'self' blob:${assets}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

export const CSP = contentSecurityPolicy()

/**
 * `policy` letting inline style attributes with exactly these values apply (each named by the base64
 * SHA-256 of its value), and no others: for the first screen main renders into the page (core/firstScreen.ts).
 */
export function allowStyleAttributes(policy: string, hashes: readonly string[]): string {
  if (!hashes.length) return policy
  return policy.replace("style-src 'self'", `style-src 'self' 'unsafe-hashes' ${hashes.map((h) => `'sha256-${h}'`).join(' ')}`)
}
