/// Writes rejected records as JSON lines — `{"path":…,"line":…,"reason":…,"record":…}` — to a
/// file in a bad-records directory, so they can be inspected and replayed.
public enum BadRecordsWriter {
    /// Writes `records` to `path`, creating its directory. The write is atomic (the file holds
    /// all of them or does not exist) and durable. The records are raw input lines, so the file
    /// and the directories created for it are `.restricted` (owner only unless
    /// `FilePermissions.current` says otherwise).
    /// `path` may be in an object store (`s3://…`), see `Storage`.
    public static func write(_ records: [BadRecord], to path: String) throws {
        let storage = Storage.at(path)
        try storage.createDirectory(FilePaths.parent(path), role: .restricted)
        try storage.writeAtomically(path, encode(records), role: .restricted)
    }

    /// The JSON-lines text of `records`, one object per line.
    public static func encode(_ records: [BadRecord]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(records.reduce(0) { $0 + $1.text.utf8.count + $1.reason.utf8.count + $1.path.utf8.count + 48 })
        for r in records {
            out.append(contentsOf: #"{"path":"#.utf8)
            JSONStrings.appendQuoted(r.path, to: &out)
            out.append(contentsOf: #","line":"#.utf8)
            out.append(contentsOf: String(r.line).utf8)
            out.append(contentsOf: #","reason":"#.utf8)
            JSONStrings.appendQuoted(r.reason, to: &out)
            out.append(contentsOf: #","record":"#.utf8)
            JSONStrings.appendQuoted(r.text, to: &out)
            out.append(contentsOf: "}\n".utf8)
        }
        return out
    }
}
