#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An encoded key or value row as held in the state maps.
///
/// Keys are compared as bytes rather than as `[Value]` because the encoding is canonical
/// (NaN keys find themselves, -0.0 and 0.0 group together) and because bytes are what
/// delta and snapshot files hold, so commits need no re-encoding.
struct StateRowBytes: Hashable, Comparable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    init(_ buffer: UnsafeRawBufferPointer) { self.bytes = Array(buffer) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Byte-wise lexicographic order, so files list entries in the same order on every run.
    static func < (a: StateRowBytes, b: StateRowBytes) -> Bool {
        let common = min(a.bytes.count, b.bytes.count)
        let c = a.bytes.withUnsafeBytes { pa in
            b.bytes.withUnsafeBytes { pb in common == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, common) }
        }
        return c != 0 ? c < 0 : a.bytes.count < b.bytes.count
    }
}

/// One partition's map plus the running byte total behind the memory estimate.
struct StatePartition: Sendable {
    private(set) var map: [StateRowBytes: StateRowBytes] = [:]
    private(set) var payloadBytes = 0

    /// Sets or (with nil) removes `key`, returning the previous value.
    @discardableResult
    mutating func set(_ key: StateRowBytes, _ value: StateRowBytes?) -> StateRowBytes? {
        let old: StateRowBytes?
        if let value {
            old = map.updateValue(value, forKey: key)
            payloadBytes += value.bytes.count + (old == nil ? key.bytes.count : 0)
        } else {
            old = map.removeValue(forKey: key)
            if old != nil { payloadBytes -= key.bytes.count }
        }
        if let old { payloadBytes -= old.bytes.count }
        return old
    }
}
