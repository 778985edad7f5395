/// Failures reading or writing a Delta table, each naming the table or log file involved.
public enum DeltaError: Error, CustomStringConvertible, Equatable {
    /// The path holds no `_delta_log` with commits.
    case notATable(String)
    /// A log file could not be parsed or the log is inconsistent (gaps, missing metaData).
    case corruptLog(String, String)
    /// The table needs a reader or writer feature the engine does not implement.
    case unsupportedProtocol(String, String)
    /// The data does not fit the table (schema or partition columns differ).
    case schemaMismatch(String, String)
    /// A concurrent commit changed what this commit depends on; redo it from a fresh snapshot.
    case concurrentModification(String, String)
    /// The caller asked for something the table cannot do.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notATable(let p): return "\(p) is not a Delta table (no commits in \(p)/_delta_log)"
        case .corruptLog(let f, let m): return "Delta log \(f): \(m)"
        case .unsupportedProtocol(let t, let m): return "Delta table \(t): \(m)"
        case .schemaMismatch(let t, let m): return "Delta table \(t): \(m)"
        case .concurrentModification(let t, let m): return "Delta table \(t): concurrent modification: \(m)"
        case .invalidArgument(let m): return "Delta: \(m)"
        }
    }
}
