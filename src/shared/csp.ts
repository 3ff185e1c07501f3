// The renderer's Content-Security-Policy: only our own scripts and styles, no inline code, no plugins,
// no framing. Sent by the headless bridge and by the Electron shell (which adds its asset scheme).
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
