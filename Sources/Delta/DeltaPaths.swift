#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Formats

/// Where the file an `add` or `remove` names lies. Delta PROTOCOL.md ("Add File and Remove
/// File"): `path` is an RFC 2396 URI, relative to the table root or absolute, percent-decoded
/// to get the file's path. The engine only ever touches files inside the table: a path that
/// resolves elsewhere (`/etc/x`, `../other/x`, `file:///elsewhere/x`, another scheme) is
/// refused, as delta-rs does, so a hostile or broken log cannot make a read open, or a
/// vacuum keep, files outside the table.
enum DeltaPaths {
    /// The file's location relative to the table root (decoded, normalized, no `..`).
    ///
    /// - Parameters:
    ///   - path: the action's `path` as written in the log.
    ///   - tableRoot: the table's absolute directory.
    ///   - action: `add` or `remove`, for the message.
    ///   - version: the version whose commit or checkpoint holds the action, for the message.
    ///   - logFile: the commit or checkpoint file, for the message.
    static func relativeLocation(_ path: String, tableRoot: String, action: String, version: Int64, logFile: String) throws -> String {
        func refuse(_ why: String) -> DeltaError {
            .corruptLog(
                logFile,
                "\(action) path '\(path)' at version \(version) \(why); the engine reads and deletes only files inside the table \(tableRoot). Repair the log entry (or rewrite the table) rather than reading it")
        }
        if let scheme = scheme(of: path) {
            // A table in an object store may name its files by their whole URI.
            if Storage.scheme(of: tableRoot) == scheme.lowercased(), path.hasPrefix(tableRoot + "/") {
                let decoded = DeltaPartition.uriDecode(String(path.dropFirst(tableRoot.count + 1)))
                guard let relative = normalize(decoded), !relative.isEmpty else { throw refuse("leaves the table directory through '..'") }
                return relative
            }
            guard scheme.lowercased() == "file" else { throw refuse("uses the URI scheme '\(scheme):', which is not a local file") }
            guard let absolute = fileURIPath(path) else { throw refuse("is not a valid file: URI") }
            return try inside(absolute, tableRoot: tableRoot) ?? { throw refuse("points outside the table") }()
        }
        let decoded = DeltaPartition.uriDecode(path)
        if decoded.hasPrefix("/") {
            return try inside(decoded, tableRoot: tableRoot) ?? { throw refuse("points outside the table") }()
        }
        guard let relative = normalize(decoded), !relative.isEmpty else { throw refuse("leaves the table directory through '..'") }
        return relative
    }

    /// The scheme of a URI (`file`, `s3`), or nil for a relative reference. A first segment
    /// such as `date=2026-11-25` is not a scheme: `=` is not a scheme character.
    static func scheme(of uri: String) -> String? {
        var scheme = ""
        for c in uri.unicodeScalars {
            if c == ":" { return scheme.isEmpty ? nil : scheme }
            let letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
            let other = (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."
            guard letter || (!scheme.isEmpty && other) else { return nil }
            scheme.unicodeScalars.append(c)
        }
        return nil
    }

    /// `file:///a/b`, `file://localhost/a/b` or `file:/a/b` as the decoded absolute path `/a/b`.
    static func fileURIPath(_ uri: String) -> String? {
        var rest = Substring(uri.dropFirst(5))  // "file:"
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let host = rest[..<slash]
            guard host.isEmpty || host.lowercased() == "localhost" else { return nil }
            rest = rest[slash...]
        }
        guard rest.hasPrefix("/") else { return nil }
        return DeltaPartition.uriDecode(String(rest))
    }

    /// `absolute` relative to `tableRoot` when it lies inside it (lexically, or after resolving
    /// symbolic links in the root, for a table opened through a link), else nil.
    static func inside(_ absolute: String, tableRoot: String) throws -> String? {
        guard let file = normalize(absolute) else { return nil }
        for root in [normalize(tableRoot), resolvedPath(tableRoot).flatMap(normalize)] {
            guard let root else { continue }
            let prefix = root.isEmpty ? "" : root + "/"
            if file.hasPrefix(prefix), file.count > prefix.count { return String(file.dropFirst(prefix.count)) }
        }
        return nil
    }

    /// `path` with empty and `.` segments dropped and `..` applied, without a leading `/` (for
    /// an absolute path, relative to `/`); nil if `..` climbs above the start.
    static func normalize(_ path: String) -> String? {
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
                continue
            }
            parts.append(segment)
        }
        return parts.joined(separator: "/")
    }

    /// `realpath(3)` of `path`, or nil if it does not resolve.
    static func resolvedPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
