import Columnar
import Foundation
import State

/// How one grouping key's `KeyState` is stored: a row of its earliest timer, its earliest TTL
/// expiry and its `KeyState` bytes in base64 (the value schema has no binary type). The first
/// two are read from the stored bytes without decoding the rest, so scans for due work are cheap.
enum StoredKeyState {
    static let codec = RowCodec(
        Schema([Field("nextTimer", .timestamp), Field("nextExpiry", .timestamp), Field("state", .string, nullable: false)]),
        normalizesDoubles: false)

    /// The earliest timer and TTL expiry of a stored row, read from its bytes (`RowCodec`'s
    /// layout: a null bitmap, then each non-null field; both are 8-byte timestamps).
    static func header(_ bytes: UnsafeRawBufferPointer) -> (nextTimer: Int64?, nextExpiry: Int64?) {
        let nulls = bytes[0]
        var offset = 1
        var timer: Int64?
        if nulls & 1 == 0 {
            timer = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
            offset += 8
        }
        let expiry = nulls & 2 == 0 ? Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)) : nil
        return (timer, expiry)
    }

    static func decode(_ stored: UnsafeRawBufferPointer, _ declared: DeclaredVariables) throws -> KeyState {
        let row = try codec.decode(stored)
        guard case .string(let text) = row[2], let data = Data(base64Encoded: text) else {
            throw TransformWithStateError.corruptState("the stored state is not base64")
        }
        return try KeyState(decoding: Array(data), declared)
    }

    static func encode(_ s: KeyState, _ declared: DeclaredVariables) throws -> [UInt8] {
        let text = Data(try s.encode(declared)).base64EncodedString()
        return try codec.encode([s.nextTimer.map { .timestamp($0) } ?? .null, s.nextExpiry.map { .timestamp($0) } ?? .null, .string(text)])
    }
}
