#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ParquetFile's bytes come from: memory, or a file read by byte range so that
/// projections and skipped row groups never read unneeded chunks.
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
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw IOError("open", path) }
            defer { close(fd) }
            return try Self.pread(fd, path, offset: offset, count: count)
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
        case .file(let path): return Int(try FileSystem.attributes(path).size)
        }
    }

    static func pread(_ fd: Int32, _ path: String, offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { buf in
            while done < count {
                let n = Glibc.pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOError("read", path)
                }
                if n == 0 { throw ParquetError.corrupt("\(path) ends at \(offset + done), expected \(offset + count) bytes") }
                done += n
            }
        }
        return out
    }
}
