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

/// One walk of the source tree: every data file once, in path order.
///
/// Names starting with `.` or `_` are skipped at every level: that is where producers keep files
/// being written (the write-then-rename convention) and where metadata lives (`_delta_log`).
///
/// Symbolic links are followed when they lead out of the tree (linking another volume's
/// directory in is why one makes such a link, and Spark's Hadoop listing follows links too) and
/// skipped when their target lies inside the tree: that target is listed under its own path
/// already (or is hidden on purpose), so following the link would only read the same files a
/// second time; a link to the root or an ancestor (`ln -s . loop`) is the extreme case. A
/// directory reached a second time (two links to one outside directory, or a link out of the
/// tree leading back to a directory listed before) is skipped, so every walk terminates. A file
/// reached under several paths (hard links, two links to one outside file) is listed once, under
/// the first of its paths in path order; the others are kept in `otherPaths`, so a file read
/// under one path is not read again when a second path to it appears later.
struct FileListing: Sendable {
    /// Data files, sorted by path (bytewise), each file once.
    var files: [ListedFile]
    /// For a listed path, the other paths under which the same file was found in this walk.
    var otherPaths: [String: [String]] = [:]

    static func list(root: String, glob: String?) throws -> FileListing {
        var walker = Walker(root: root, realRoot: FileSystem.realPath(root) ?? root, glob: glob)
        if let status = FileSystem.status(root, followLinks: true) { walker.visited.insert(status.identity) }
        try walker.walk(relative: "")
        var found = walker.found
        found.sort { $0.file.path.utf8.lexicographicallyPrecedes($1.file.path.utf8) }
        var listing = FileListing(files: [])
        listing.files.reserveCapacity(found.count)
        var firstPath: [FileStatus.Identity: String] = [:]
        for (file, identity) in found {
            if let first = firstPath[identity] {
                listing.otherPaths[first, default: []].append(file.path)
            } else {
                firstPath[identity] = file.path
                listing.files.append(file)
            }
        }
        return listing
    }

    /// `key=value` directory components of a relative path, outermost first.
    static func partitionValues(of relativePath: String) -> [(key: String, value: String)] {
        relativePath.split(separator: "/").dropLast().compactMap { part in
            guard let eq = part.firstIndex(of: "="), eq != part.startIndex else { return nil }
            return (String(part[..<eq]), DeltaPartition.uriDecode(String(part[part.index(after: eq)...])))
        }
    }

    private struct Walker {
        let root: String
        let realRoot: String
        let glob: String?
        /// Directories listed so far, by device and inode: a directory is never listed twice.
        var visited = Set<FileStatus.Identity>()
        var found: [(file: ListedFile, identity: FileStatus.Identity)] = []

        init(root: String, realRoot: String, glob: String?) {
            self.root = root
            self.realRoot = realRoot
            self.glob = glob
        }

        mutating func walk(relative: String) throws {
            let dir = relative.isEmpty ? root : FilePaths.join(root, relative)
            let names: [String]
            do { names = try FileSystem.list(dir) } catch let e as IOError where e.isNotFound && !relative.isEmpty { return }
            for name in names where !name.hasPrefix(".") && !name.hasPrefix("_") {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = FilePaths.join(root, rel)
                // Gone between readdir and stat: simply not listed, like a file deleted a moment earlier.
                guard var status = FileSystem.status(full, followLinks: false) else { continue }
                if status.kind == .symbolicLink {
                    guard let target = FileSystem.realPath(full), !isInsideTree(target),
                        let resolved = FileSystem.status(full, followLinks: true)
                    else { continue }
                    status = resolved
                }
                switch status.kind {
                case .directory:
                    if visited.insert(status.identity).inserted { try walk(relative: rel) }
                case .file:
                    if glob.map({ fnmatch($0, name, 0) == 0 }) ?? true {
                        found.append((ListedFile(path: rel, size: status.size, modifiedMillis: status.modifiedMillis), status.identity))
                    }
                case .symbolicLink, .other:
                    continue
                }
            }
        }

        private func isInsideTree(_ realPath: String) -> Bool {
            realPath == realRoot || realPath.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/")
        }
    }
}
