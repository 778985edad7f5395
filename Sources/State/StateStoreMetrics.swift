/// What a state store holds and what the current batch changed.
public struct StateStoreMetrics: Sendable, Hashable {
    public var numRowsTotal: Int
    /// Puts since the store was loaded.
    public var numRowsUpdated: Int
    /// Removals of present keys since the store was loaded.
    public var numRowsRemoved: Int
    /// An estimate: encoded key and value bytes plus a fixed per-entry overhead.
    public var memoryUsedBytes: Int

    public init(numRowsTotal: Int, numRowsUpdated: Int, numRowsRemoved: Int, memoryUsedBytes: Int) {
        self.numRowsTotal = numRowsTotal
        self.numRowsUpdated = numRowsUpdated
        self.numRowsRemoved = numRowsRemoved
        self.memoryUsedBytes = memoryUsedBytes
    }

    /// The value's array header (32 bytes on 64-bit) and optional slot, plus the key table's
    /// offset, hash and open-addressing slots per key, with room for dead ids before compaction.
    static let estimatedBytesPerEntry = 88
}
