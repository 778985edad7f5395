import Operators

/// A lookup join's part of a progress record: what one batch asked of its cache and table.
public struct LookupJoinProgress: Codable, Sendable, Equatable {
    public var operatorName: String
    /// Distinct non-null keys of the batch, each looked up once.
    public var numKeys: Int64
    public var numCacheHits: Int64
    public var numCacheMisses: Int64
    /// Keys the table has no row for.
    public var numKeysNotFound: Int64
    /// Calls to the table (each for up to `keysPerLookup` keys).
    public var numLookups: Int64
    public var cacheEntries: Int64
    public var lookupTimeMs: Int64

    init(_ m: LookupJoinMetrics) {
        operatorName = m.name
        numKeys = m.numKeys
        numCacheHits = m.numCacheHits
        numCacheMisses = m.numCacheMisses
        numKeysNotFound = m.numKeysNotFound
        numLookups = m.numLookups
        cacheEntries = m.cacheEntries
        lookupTimeMs = m.lookupTimeMs
    }
}

/// A refreshable static table's part of a progress record (`DataReader.refreshing()`): the
/// version the batch joined with.
public struct StaticTableProgress: Codable, Sendable, Equatable {
    /// The table's kind and path.
    public var description: String
    /// The version every row of the batch was joined with: `version N` of a Delta table, or
    /// the number of files of a file table.
    public var version: String
    /// True when the table changed and was re-read at the start of this batch.
    public var refreshed: Bool
}
