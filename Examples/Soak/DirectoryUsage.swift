import Streaming

/// The files under a directory: how many and how many bytes, by top-level entry.
struct DirectoryUsage: Sendable {
    var files = 0
    var bytes: Int64 = 0
    /// Per first path component (`offsets`, `sources`, `_delta_log`, `date=…`).
    var byEntry: [String: (files: Int, bytes: Int64)] = [:]

    /// Walks `root` (a missing directory is empty). Files vanishing meanwhile are skipped:
    /// the query deletes old log entries while this runs.
    init(_ root: String) {
        guard FileSystem.isDirectory(root) else { return }
        walk(root, top: nil)
    }

    func files(under entry: String) -> Int { byEntry[entry]?.files ?? 0 }
    func bytes(under entry: String) -> Int64 { byEntry[entry]?.bytes ?? 0 }

    /// Files outside the entries named (e.g. a table's data files: everything but `_delta_log`).
    func files(except entries: Set<String>) -> Int {
        byEntry.filter { !entries.contains($0.key) }.reduce(0) { $0 + $1.value.files }
    }

    private mutating func walk(_ dir: String, top: String?) {
        guard let names = try? FileSystem.list(dir) else { return }
        for name in names {
            let path = FilePaths.join(dir, name)
            let entry = top ?? name
            if FileSystem.isDirectory(path) {
                walk(path, top: entry)
            } else if let a = try? FileSystem.attributes(path) {
                files += 1
                bytes += a.size
                byEntry[entry, default: (0, 0)].files += 1
                byEntry[entry, default: (0, 0)].bytes += a.size
            }
        }
    }
}
