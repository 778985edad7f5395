/// Variable-length UTF-8 strings stored contiguously: value `i` is
/// `bytes[offsets[i] ..< offsets[i + 1]]`. Null slots hold an empty range.
public struct StringArray: Sendable, Hashable {
    public private(set) var offsets: [Int]
    public private(set) var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    public init(offsets: [Int], bytes: [UInt8]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets do not cover bytes")
        self.offsets = offsets
        self.bytes = bytes
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserve(count: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(count + 1)
        bytes.reserveCapacity(byteCount)
    }

    @inline(__always)
    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(bytes: $0) }
    }

    @inline(__always)
    public mutating func append(bytes value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    @inline(__always)
    public mutating func append<C: Collection>(contentsOf value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends every string of `other`: one copy of its bytes and its offsets shifted.
    public mutating func append(all other: StringArray) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.append(contentsOf: other.offsets.dropFirst().lazy.map { $0 + base })
    }

    /// Appends an empty slot (used for nulls).
    @inline(__always)
    public mutating func appendEmpty() { offsets.append(bytes.count) }

    @inline(__always)
    public func length(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    public subscript(i: Int) -> String {
        let start = offsets[i], end = offsets[i + 1]
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// Calls `body` with the raw UTF-8 bytes of value `i`, without copying.
    @inline(__always)
    public func withBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = offsets[i], end = offsets[i + 1]
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Bytewise (unsigned) comparison of value `i` with `other`, as Parquet and Delta order strings.
    @inline(__always)
    public func compare(_ i: Int, _ other: UnsafeBufferPointer<UInt8>) -> Int {
        withBytes(i) { Self.compareBytes($0, other) }
    }

    @inline(__always)
    public static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
