/// Comparison of decimal digit runs of any length, without converting them to integers.
///
/// Leading zeros are ignored, then the longer run is the larger number, then the runs are compared byte by byte.
/// Every scheme that compares numbers uses this, so "18446744073709551616" never overflows.
public enum DigitRun {
    /// Compares two runs of ASCII digits: -1, 0 or 1.
    @inlinable
    public static func compare(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Int {
        let a = lhs.drop(while: { $0 == UInt8(ascii: "0") })
        let b = rhs.drop(while: { $0 == UInt8(ascii: "0") })
        let ca = a.count
        let cb = b.count
        if ca != cb { return ca < cb ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y {
            return x < y ? -1 : 1
        }
        return 0
    }

    /// Compares two decimal strings: -1, 0 or 1.
    @inlinable
    public static func compare(_ lhs: Substring, _ rhs: Substring) -> Int {
        compare(lhs.utf8, rhs.utf8)
    }
}
