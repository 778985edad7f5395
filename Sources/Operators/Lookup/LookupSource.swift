import Columnar

/// A table the engine looks rows up in by key, one batch of keys at a time (the external side
/// of a lookup join, Flink's `LookupTableSource`).
///
/// A lookup join asks for each micro-batch's distinct keys that its cache does not hold, in
/// calls of at most `LookupCacheOptions.keysPerLookup` keys, never one call per row. The
/// engine calls `lookup` from the query's thread, one call at a time.
public protocol LookupSource: Sendable {
    /// Names the table for plans and errors (never a password).
    var description: String { get }
    /// The rows of the table whose key column equals one of `keys`, with exactly the columns
    /// the source was opened with (in that order, the key column among them). `keys` holds
    /// no nulls and no duplicates; a key may match no row or several.
    func lookup(keys: Column) throws -> RecordBatch
}
