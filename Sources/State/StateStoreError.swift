import Columnar

/// Why state could not be opened, loaded, changed or committed. Every message names the
/// file or directory involved and says what the operator of the query can do about it.
public enum StateStoreError: Error, CustomStringConvertible, Equatable {
    /// A provider argument or load version is out of range.
    case invalidConfiguration(String)
    /// Stored state has an incompatible schema; `which` is "key" or "value".
    case schemaMismatch(directory: String, which: String, stored: Schema, current: Schema)
    /// A delta or snapshot file is damaged (bad magic, checksum, header or contents).
    case corruptFile(path: String, reason: String)
    /// A delta needed to load `version` does not exist.
    case missingFile(path: String, version: Int64)
    /// Files exist but `_metadata` does not, so their partitioning is unknown.
    case missingMetadata(path: String, version: Int64)
    /// `_metadata` exists but cannot be read.
    case invalidMetadata(path: String, reason: String)
    /// A file was written by a newer format than this build understands.
    case unsupportedFormatVersion(path: String, found: Int, supported: Int)
    /// A file was written by an older format that this build no longer reads (format 1 keyed
    /// entries in another byte layout).
    case outdatedFormatVersion(path: String, found: Int, current: Int)
    /// A change or commit on a store that was already committed or aborted.
    case notUpdatable(directory: String, version: Int64, state: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid state store configuration: \(message)"
        case .schemaMismatch(let dir, let which, let stored, let current):
            return "state in \(dir) was written by a query with \(which) schema \(stored); this query has \(current); "
                + "use a new checkpoint location"
        case .corruptFile(let path, let reason):
            return "state file \(path) is corrupt: \(reason). The state cannot be loaded from it; restore the file "
                + "from a backup, or run the query with a new checkpoint location (its state then starts empty)"
        case .missingFile(let path, let version):
            return "state file \(path) is missing; loading version \(version) needs the latest snapshot at or below "
                + "it and every delta after that snapshot. Restore the file, or run the query with a new checkpoint "
                + "location (its state then starts empty)"
        case .missingMetadata(let path, let version):
            return "state metadata \(path) is missing, so version \(version) cannot be loaded; restore it, or run "
                + "the query with a new checkpoint location"
        case .invalidMetadata(let path, let reason):
            return "state metadata \(path) is unreadable: \(reason); restore it, or run the query with a new "
                + "checkpoint location"
        case .unsupportedFormatVersion(let path, let found, let supported):
            return "\(path) has state format version \(found) but this build reads only up to \(supported); "
                + "run a newer Sluice, or use a new checkpoint location"
        case .outdatedFormatVersion(let path, let found, let current):
            return "\(path) has state format version \(found), which this build no longer reads (version \(current) "
                + "stores keys in another byte layout, and converting would move every key to another partition); "
                + "let the older Sluice that wrote it finish its windows, or run the query with a new checkpoint "
                + "location (its state then starts empty)"
        case .notUpdatable(let dir, let version, let state):
            return "state store for \(dir) loaded at version \(version) was already \(state); load the next "
                + "version to make more changes"
        }
    }
}
