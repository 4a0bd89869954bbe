import Foundation
import ZIPFoundation

/// Inflates a gzip member (RFC 1952), as FIRST serves EPSS: the header is read here and the deflate stream is
/// inflated by ZIPFoundation's zlib binding; the trailer's CRC-32 and length are checked.
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func inflate(_ data: Data, maxBytes: Int64) throws -> Data {
        let bytes = [UInt8](data)
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B, bytes[2] == 8 else {
            throw Failure(description: "not a gzip file (deflate)")
        }
        let flags = bytes[3]
        var offset = 10
        func need(_ count: Int) throws {
            guard offset + count <= bytes.count - 8 else { throw Failure(description: "the gzip header is truncated") }
        }
        if flags & 0x04 != 0 {  // FEXTRA
            try need(2)
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            offset += 2
            try need(length)
            offset += length
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while true {
                try need(1)
                offset += 1
                if bytes[offset - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 {  // FHCRC
            try need(2)
            offset += 2
        }
        let deflateEnd = bytes.count - 8
        var output = Data()
        var position = offset
        let crc = try Data.decompress(
            size: Int64(deflateEnd - offset), bufferSize: 64 << 10, skipCRC32: false,
            provider: { _, size in
                // Past the deflate data the stream is truncated: zlib would otherwise wait for more forever.
                guard position < deflateEnd else { throw Failure(description: "the compressed data is truncated") }
                let end = min(position + size, deflateEnd)
                defer { position = end }
                return Data(bytes[position..<end])
            },
            consumer: { chunk in
                guard Int64(output.count + chunk.count) <= maxBytes else {
                    throw Failure(description: "inflates to more than \(maxBytes) bytes")
                }
                output.append(chunk)
            })
        let trailer = bytes[deflateEnd...]
        let expectedCRC = trailer.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        let expectedSize = trailer.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard crc == expectedCRC, UInt32(truncatingIfNeeded: output.count) == expectedSize else {
            throw Failure(description: "the gzip checksum or length does not match: the file is damaged")
        }
        return output
    }
}
