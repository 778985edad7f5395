#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ParquetFile's bytes come from: memory, or a file (local or in an object store, see
/// `Storage`) read by byte range so that projections and skipped row groups never read
/// unneeded chunks.
enum ParquetSource: Sendable {
    case bytes([UInt8])
    case file(path: String)

    /// Bytes `offset ..< offset + count`, which the caller has checked against the size.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        switch self {
        case .bytes(let b):
            guard offset >= 0, count >= 0, offset <= b.count - count else {
                throw ParquetError.corrupt("range \(offset)+\(count) outside the \(b.count)-byte file")
            }
            return Array(b[offset..<offset + count])
        case .file(let path):
            guard offset >= 0, count >= 0 else { throw ParquetError.corrupt("range \(offset)+\(count) in \(path)") }
            let bytes = try Storage.at(path).read(path, range: Int64(offset)..<Int64(offset) + Int64(count))
            guard bytes.count == count else {
                throw ParquetError.corrupt("\(path) ends at \(offset + bytes.count), expected \(offset + count) bytes")
            }
            return bytes
        }
    }

    /// Calls `body` with bytes `offset ..< offset + count`, without copying in-memory data.
    func withBytes<R>(offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        switch self {
        case .bytes(let b):
            guard offset >= 0, count >= 0, offset <= b.count - count else {
                throw ParquetError.corrupt("range \(offset)+\(count) outside the \(b.count)-byte file")
            }
            return try b.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
        case .file:
            return try read(offset: offset, count: count).withUnsafeBytes(body)
        }
    }

    /// Size of the data.
    func size() throws -> Int {
        switch self {
        case .bytes(let b): return b.count
        case .file(let path):
            let storage = Storage.at(path)
            if storage.isLocal { return Int(try FileSystem.attributes(path).size) }
            guard let status = try storage.status(path) else { throw IOError("stat", path, code: ENOENT) }
            return Int(status.size)
        }
    }
}
