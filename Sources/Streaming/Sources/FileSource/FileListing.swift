import Formats
import Delta
import Sinks

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A data file found under the source directory.
struct ListedFile: Sendable, Hashable, Codable {
    /// Path relative to the source root, e.g. `date=2026-11-25/part-0001.jsonl`.
    var path: String
    var size: Int64
    var modifiedMillis: Int64
}

/// Walks a directory tree for data files.
///
/// Names starting with `.` or `_` are skipped at every level: that is where producers keep files
/// being written (the write-then-rename convention) and where metadata lives (`_delta_log`).
enum FileListing {
    static func list(root: String, glob: String?) throws -> [ListedFile] {
        var out: [ListedFile] = []
        try walk(root: root, relative: "", glob: glob, into: &out)
        out.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return out
    }

    private static func walk(root: String, relative: String, glob: String?, into out: inout [ListedFile]) throws {
        let dir = relative.isEmpty ? root : FilePaths.join(root, relative)
        let names: [String]
        do { names = try FileSystem.list(dir) } catch let e as IOError where e.isNotFound && !relative.isEmpty { return }
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = FilePaths.join(root, rel)
            if FileSystem.isDirectory(full) {
                try walk(root: root, relative: rel, glob: glob, into: &out)
            } else if glob.map({ fnmatch($0, name, 0) == 0 }) ?? true {
                // A file deleted right after listing is simply not listed.
                guard let attrs = try? FileSystem.attributes(full) else { continue }
                out.append(ListedFile(path: rel, size: attrs.size, modifiedMillis: attrs.modifiedMillis))
            }
        }
    }

    /// `key=value` directory components of a relative path, outermost first.
    static func partitionValues(of relativePath: String) -> [(key: String, value: String)] {
        relativePath.split(separator: "/").dropLast().compactMap { part in
            guard let eq = part.firstIndex(of: "="), eq != part.startIndex else { return nil }
            return (String(part[..<eq]), DeltaPartition.uriDecode(String(part[part.index(after: eq)...])))
        }
    }
}
