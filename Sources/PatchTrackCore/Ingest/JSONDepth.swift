/// The nesting depth of a JSON text, measured without parsing it, so a hostile document is refused before any
/// decoder recurses into it.
public enum JSONDepth {
    /// The deepest nesting of arrays and objects in `bytes` (0 for a scalar). Brackets inside strings do not count.
    public static func maximum(of bytes: UnsafeRawBufferPointer) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest { deepest = depth }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return deepest
    }

    /// The deepest nesting in `bytes`.
    public static func maximum(of bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { maximum(of: $0) }
    }
}
