/// Key bytes as a dictionary key hashed in one call: `[UInt8]`'s own `Hashable` feeds the
/// hasher a byte at a time, which profiling showed as the join's largest cost per row.
struct ByteKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
