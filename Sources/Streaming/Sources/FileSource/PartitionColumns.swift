import Columnar
import Formats
import Sinks

/// The columns a file source fills from `key=value` directories (Hive layout), and the rules
/// that keep them from ever being silently null:
///
/// - A key the schema declares is a partition column of the declared type as soon as a file
///   under such a directory is taken, at start or later. Its column keeps its place in the
///   schema, so the query's schema never changes when the directories appear, and the schema is
///   known without listing the directory.
/// - A key the schema does not declare is refused with an error naming the file (never a column
///   nobody asked for, never silently dropped). Declaring the key and restarting accepts it.
///   (Spark adds such keys as columns, found by listing the directory when the stream is
///   defined; Sluice versions before the logical plan had schemas did so at the first start,
///   recorded in `undeclared`, which a start now asks to declare.)
/// - Once a key is a partition column, a file taken must lie under a directory of that key
///   (`key=__HIVE_DEFAULT_PARTITION__` for null); a file that does not is refused, naming it.
///
/// Files are checked before the log entry taking them is written, so a refused file is never
/// logged: move it and restart.
struct PartitionColumns: Sendable, Codable, Equatable {
    /// Declared schema fields found as directory keys, in order of discovery.
    var declared: [String] = []
    /// Directory keys an earlier version found at the first start that the schema did not
    /// declare (string columns after the declared ones); empty in logs written now.
    var undeclared: [String] = []

    var all: [String] { declared + undeclared }

    /// Checks files about to be taken, after adding the declared keys they introduce.
    /// Returns whether the columns changed (then they must be saved before the files are logged).
    /// Nothing changes if a file is refused.
    mutating func admit(_ files: [ListedFile], declared schema: Schema, root: String) throws -> Bool {
        var grown = self
        for f in files {
            for (key, value) in FileListing.partitionValues(of: f.path) where !grown.all.contains(key) {
                guard schema.field(key) != nil else {
                    throw SourceError.undeclaredPartitionColumn(path: FilePaths.join(root, f.path), column: key, value: value, columns: undeclared)
                }
                grown.declared.append(key)
            }
        }
        for f in files {
            let values = Dictionary(FileListing.partitionValues(of: f.path), uniquingKeysWith: { $1 })
            for column in grown.all {
                guard let raw = values[column] else {
                    throw SourceError.missingPartitionDirectory(path: FilePaths.join(root, f.path), column: column)
                }
                _ = try Self.value(raw, of: schema.field(column) ?? Field(column, .string), path: FilePaths.join(root, f.path))
            }
        }
        let changed = grown != self
        self = grown
        return changed
    }

    /// The value a directory gives a column: null for the Hive null marker, else the text cast
    /// to the column's type (an error naming the file if it does not cast).
    static func value(_ raw: String, of field: Field, path: String) throws -> Value {
        if raw == DeltaPartition.nullDirectoryValue { return .null }
        guard let v = Value.string(raw).cast(to: field.type), v != .null else {
            throw SourceError.badPartitionValue(path: path, column: field.name, value: raw, type: field.type)
        }
        return v
    }
}
