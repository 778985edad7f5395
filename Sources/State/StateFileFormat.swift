import Columnar
import Formats

/// Which of the two state file kinds a file is; the kind is also recorded in the header so a
/// renamed file is caught.
enum StateFileKind: UInt8, Sendable {
    case delta = 1
    case snapshot = 2

    var fileExtension: String { self == .delta ? "delta" : "snapshot" }
}

/// The records of one file as they are added: puts (a delta's new values, a snapshot's
/// entries) and a delta's removals.
struct StateFilePayload {
    fileprivate var writer = StateBytesWriter()
    fileprivate(set) var count = 0

    mutating func put(_ key: UnsafeRawBufferPointer, _ value: [UInt8]) {
        writer.append(StateFileFormat.opPut)
        writer.appendVarint(key.count)
        writer.bytes.append(contentsOf: key)
        writer.appendVarint(value.count)
        writer.append(contentsOf: value)
        count += 1
    }

    mutating func remove(_ key: UnsafeRawBufferPointer) {
        writer.append(StateFileFormat.opRemove)
        writer.appendVarint(key.count)
        writer.bytes.append(contentsOf: key)
        count += 1
    }
}

/// The on-disk format of `.delta` and `.snapshot` files:
///
/// ```
/// 0   magic "SLST"
/// 4   format version, UInt16 LE
/// 6   kind, UInt8 (1 delta, 2 snapshot); 7: reserved, 0
/// 8   entry count, UInt64 LE
/// 16  uncompressed payload size, UInt64 LE
/// 24  zstd frame holding the payload
/// end xxHash64 of every byte before it, UInt64 LE
/// ```
///
/// The payload is a sequence of records: op (1 put, 2 remove), LEB128 key length, key bytes,
/// and for a put LEB128 value length and value bytes. The trailing checksum covers the header
/// too, and sits last so any truncation breaks it.
///
/// Version 2 (this one) holds keys in the `GroupKeyBatch` layout; version 1 held them in the
/// `RowCodec` layout, and is refused (`StateStoreError.outdatedFormatVersion`).
enum StateFileFormat {
    static let formatVersion: UInt16 = 2
    static let magic: [UInt8] = Array("SLST".utf8)
    static let headerSize = 24
    static let minimumSize = headerSize + 8
    static let opPut: UInt8 = 1, opRemove: UInt8 = 2

    /// The file bytes for the records `build` adds, which it adds in key order so a replayed
    /// version is byte-identical.
    static func encode(_ kind: StateFileKind, _ build: (inout StateFilePayload) -> Void) throws -> [UInt8] {
        var records = StateFilePayload()
        build(&records)
        let payload = records.writer
        let compressed = try Zstd.compress(payload.bytes)
        var out = StateBytesWriter(reservingCapacity: minimumSize + compressed.count)
        out.append(contentsOf: magic)
        out.append(littleEndian: formatVersion)
        out.append(kind.rawValue)
        out.append(0)
        out.append(littleEndian: UInt64(records.count))
        out.append(littleEndian: UInt64(payload.bytes.count))
        out.append(contentsOf: compressed)
        out.append(littleEndian: StableHash.xxHash64(out.bytes))
        return out.bytes
    }

    /// Verifies the file at `path` and hands each record to `apply`, in file order. `apply`
    /// returns why a record is unacceptable (e.g. it does not fit the schema), or nil.
    static func read(
        _ path: String, kind: StateFileKind, _ apply: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) -> String?
    ) throws {
        let file = try Storage.at(path).read(path)
        let payload = try file.withUnsafeBytes { try verifiedPayload($0, kind: kind, path: path) }
        func corrupt(_ reason: String) -> StateStoreError { .corruptFile(path: path, reason: reason) }
        try payload.bytes.withUnsafeBytes { buf in
            var r = StateBytesReader(buf)
            var seen: UInt64 = 0
            while !r.isAtEnd {
                guard let op = r.byte(), op == opPut || (op == opRemove && kind == .delta) else {
                    throw corrupt("record \(seen) has an invalid operation")
                }
                guard let k = r.varint().flatMap({ r.slice($0) }) else { throw corrupt("record \(seen) is truncated") }
                var value: UnsafeRawBufferPointer?
                if op == opPut {
                    guard let v = r.varint().flatMap({ r.slice($0) }) else { throw corrupt("record \(seen) is truncated") }
                    value = v
                }
                if let problem = apply(k, value) { throw corrupt("record \(seen): \(problem)") }
                seen += 1
            }
            guard seen == payload.entries else {
                throw corrupt("header declares \(payload.entries) entries but the payload holds \(seen)")
            }
        }
    }

    private static func verifiedPayload(
        _ file: UnsafeRawBufferPointer, kind: StateFileKind, path: String
    ) throws -> (bytes: [UInt8], entries: UInt64) {
        func corrupt(_ reason: String) -> StateStoreError { .corruptFile(path: path, reason: reason) }
        guard file.count >= minimumSize else {
            throw corrupt("it is truncated (\(file.count) bytes; a state file has at least \(minimumSize))")
        }
        guard file.prefix(4).elementsEqual(magic) else { throw corrupt("it does not start with the state file magic") }
        let bodyCount = file.count - 8
        let stored = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: bodyCount, as: UInt64.self))
        let actual = StableHash.xxHash64(UnsafeRawBufferPointer(rebasing: file[..<bodyCount]))
        guard stored == actual else {
            throw corrupt("checksum mismatch (the file is truncated or damaged; \(file.count) bytes)")
        }
        var header = StateBytesReader(UnsafeRawBufferPointer(rebasing: file[4..<headerSize]))
        let version = header.integer(UInt16.self)!
        guard version <= formatVersion else {
            throw StateStoreError.unsupportedFormatVersion(path: path, found: Int(version), supported: Int(formatVersion))
        }
        guard version == formatVersion else {
            throw StateStoreError.outdatedFormatVersion(path: path, found: Int(version), current: Int(formatVersion))
        }
        guard header.byte() == kind.rawValue else { throw corrupt("header says it is not a \(kind.fileExtension) file") }
        _ = header.byte()
        let entries = header.integer(UInt64.self)!
        let rawSize = header.integer(UInt64.self)!
        guard rawSize <= UInt64(Int.max) else { throw corrupt("payload size \(rawSize) is impossible") }
        do {
            let frame = UnsafeRawBufferPointer(rebasing: file[headerSize..<bodyCount])
            return (try Zstd.decompress(frame, size: Int(rawSize)), entries)
        } catch let error as ZstdError {
            throw corrupt("its payload does not decompress (\(error))")
        }
    }
}
