import Foundation

/// Where a webhook may be sent: an `http` or `https` URL with a host, no credentials, and (unless private targets
/// are allowed) no host that is or resolves to a loopback, link-local, private, shared, multicast or unspecified
/// address. Hosts that are names are checked again at every delivery against the addresses they resolve to then
/// (DNS rebinding).
public enum WebhookTarget {
    /// Why a URL is refused.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }

        public init(reason: String) {
            self.reason = reason
        }
    }

    /// The parsed URL, refused when malformed, not http(s), carrying user info, or (without `allowPrivate`) naming
    /// a non-public address or `localhost`.
    public static func validate(_ text: String, allowPrivate: Bool) throws(Refusal) -> URL {
        guard text.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let url = components.url
        else { throw Refusal(reason: "not a URL") }
        guard scheme == "http" || scheme == "https" else { throw Refusal(reason: "the scheme must be http or https") }
        guard let host = components.host, !host.isEmpty else { throw Refusal(reason: "the URL has no host") }
        guard components.user == nil && components.password == nil else {
            throw Refusal(reason: "credentials in the URL are not allowed; the receiver checks the signature")
        }
        if !allowPrivate {
            var bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            while bare.hasSuffix(".") { bare.removeLast() }
            let lowered = bare.lowercased()
            if lowered == "localhost" || lowered.hasSuffix(".localhost") {
                throw Refusal(reason: "\(host) is a loopback name (serve --webhook-allow-private allows it)")
            }
            if let address = IPAddress(bare), !address.isPublic {
                throw Refusal(reason: "\(host) is a \(address.kind) address (serve --webhook-allow-private allows it)")
            }
        }
        return url
    }
}

/// An IPv4 or IPv6 address, as bytes.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses dotted IPv4 or IPv6 text (`::` compression and a dotted IPv4 tail allowed; no zone).
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    out += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Whether the address is an ordinary public unicast address.
    public var isPublic: Bool { kind == "public" }

    /// What range the address is in: `public`, `loopback`, `private`, `link-local`, `shared`, `multicast`,
    /// `unspecified` or `reserved`.
    public var kind: String {
        if bytes.count == 4 { return Self.kindV4(bytes) }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged as the IPv4 address they carry.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Self.kindV4(Array(bytes[12...])) }
        if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback" }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return "reserved" }
        if bytes[0] == 0xff { return "multicast" }
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return "link-local" }
        if bytes[0] & 0xfe == 0xfc { return "private" }  // fc00::/7 unique local
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return "reserved" }  // documentation
        // NAT64 (64:ff9b::/96) carries an IPv4 address.
        if bytes[0..<4] == [0x00, 0x64, 0xff, 0x9b] && bytes[4..<12].allSatisfy({ $0 == 0 }) { return Self.kindV4(Array(bytes[12...])) }
        return "public"
    }

    private static func kindV4(_ b: [UInt8]) -> String {
        switch (b[0], b[1]) {
        case (0, _): return "unspecified"
        case (127, _): return "loopback"
        case (10, _), (172, 16...31), (192, 168): return "private"
        case (169, 254): return "link-local"
        case (100, 64...127): return "shared"
        case (224...239, _): return "multicast"
        case (240...255, _): return "reserved"
        case (192, 0) where b[2] == 0 || b[2] == 2: return "reserved"
        case (198, 18...19): return "reserved"
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return "reserved"
        default: return "public"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
