// One verdict per (component, advisory) from the per-entry matches, for the finding row.
//
// Rules: affected when any entry says affected (an unknown-release component checked against several releases'
// entries is affected when one of them says so: the conservative side). The fix is known only when every affected
// entry names one, and it is then the highest of them under the ecosystem's scheme, since each entry's fix must be
// reached (when a fix does not parse, the fixes compare as strings). With nothing affected, any unmatchable entry
// makes the whole verdict unmatchable: one unreadable entry could be the one that applies.

/// The combined verdict of one advisory for one package.
public enum AdvisoryVerdict: Equatable, Sendable {
    /// No entry of the advisory names the package.
    case notApplicable
    /// Entries name the package and none says it is affected.
    case notAffected
    /// At least one entry says the package is affected; `fixedIn` is the version that fixes every such entry, or
    /// nil when one has no fix yet.
    case affected(fixedIn: String?)
    /// Nothing says affected and some entry could not be evaluated.
    case unmatchable([UnmatchableReason])

    /// Combines `matches` (of one record, for one package) using `scheme` to order fixes.
    public init(_ matches: [AdvisoryMatch], scheme: VersionSchemeID?) {
        guard !matches.isEmpty else {
            self = .notApplicable
            return
        }
        let affected = matches.filter(\.isAffected)
        if !affected.isEmpty {
            let fixes = affected.map(\.fixedVersion)
            guard fixes.allSatisfy({ $0 != nil }) else {
                self = .affected(fixedIn: nil)
                return
            }
            self = .affected(fixedIn: Self.highest(fixes.compactMap { $0 }, scheme: scheme))
            return
        }
        let reasons = matches.compactMap { match -> UnmatchableReason? in
            if case .unmatchable(let reason) = match.outcome { return reason }
            return nil
        }
        self = reasons.isEmpty ? .notAffected : .unmatchable(reasons)
    }

    /// Whether the package is affected.
    public var isAffected: Bool {
        if case .affected = self { return true }
        return false
    }

    private static func highest(_ fixes: [String], scheme: VersionSchemeID?) -> String? {
        if let scheme {
            var parsed: [(text: String, version: AnyVersion)] = []
            for fix in fixes {
                guard let version = try? scheme.parse(fix) else { return fixes.max() }
                parsed.append((fix, version))
            }
            return parsed.max { $0.version < $1.version }?.text
        }
        return fixes.max()
    }
}
