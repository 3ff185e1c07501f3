// PNG chunk helpers: a CRC-32 for chunk checksums, and embedding text (the prompt and parameters) in an
// iTXt chunk right after IHDR, as other image tools do, so the prompt travels with the file.
import { deflateSync, inflateSync } from 'node:zlib'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Returns the PNG with one compressed iTXt chunk per entry inserted after IHDR; other files unchanged. */
export function embedPngText(png: Buffer, entries: Record<string, string>): Buffer {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) return png
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8)
  const chunks = Object.entries(entries).map(([keyword, text]) =>
    // keyword \0 compression-flag compression-method language-tag \0 translated-keyword \0 text
    pngChunk('iTXt', Buffer.concat([Buffer.from(keyword.slice(0, 79), 'latin1'), Buffer.from([0, 1, 0, 0, 0]), deflateSync(Buffer.from(text, 'utf8'))]))
  )
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)])
}

/** Reads back iTXt/tEXt entries (tests, and re-import of metadata). */
export function readPngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let at = 8
  while (at + 12 <= png.length) {
    const len = png.readUInt32BE(at)
    const type = png.subarray(at + 4, at + 8).toString('latin1')
    const data = png.subarray(at + 8, at + 8 + len)
    if (type === 'tEXt') {
      const zero = data.indexOf(0)
      out[data.subarray(0, zero).toString('latin1')] = data.subarray(zero + 1).toString('latin1')
    } else if (type === 'iTXt') {
      const zero = data.indexOf(0)
      const keyword = data.subarray(0, zero).toString('latin1')
      const compressed = data[zero + 1] === 1
      let rest = data.subarray(zero + 3)
      rest = rest.subarray(rest.indexOf(0) + 1) // language tag
      rest = rest.subarray(rest.indexOf(0) + 1) // translated keyword
      out[keyword] = (compressed ? inflateSync(rest) : rest).toString('utf8')
    }
    if (type === 'IEND') break
    at += 12 + len
  }
  return out
}
