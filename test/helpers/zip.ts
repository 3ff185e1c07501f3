// Reads a whole ZIP back with yauzl (an independent reader), checking every entry's CRC-32 against its
// bytes: the export's CRCs come from a patched yazl (patches/), so a wrong one must fail a test.
import { crc32 } from 'node:zlib'
import yauzl from 'yauzl'

export function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>()
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err)
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', reject)
          stream.on('end', () => {
            const bytes = Buffer.concat(chunks)
            if (crc32(bytes) !== entry.crc32) return reject(new Error(`${entry.fileName}: CRC-32 ${crc32(bytes)} ≠ ${entry.crc32} in the ZIP`))
            entries.set(entry.fileName, bytes)
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(entries))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
