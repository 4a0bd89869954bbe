import Foundation

/// Gives freed heap memory back to the system after a large request.
///
/// glibc keeps one malloc arena per thread in use (up to eight per core), and each arena keeps the high-water mark of
/// the documents once parsed on it, so a server that ingests a few large SBOMs on different threads would hold
/// several times one document's peak. `malloc_trim(0)` returns the free pages of every arena; it is looked up at run
/// time because it is not in the Glibc module map, and it is a no-op elsewhere.
enum MemoryTrim {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    /// Trims the heap when the request carried at least `threshold` bytes.
    static func afterRequest(ofSize bytes: Int, threshold: Int = 1 << 20) {
        guard bytes >= threshold, let trim else { return }
        _ = trim(0)
    }
}
