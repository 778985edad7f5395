import Columnar
import Operators

/// A table a lookup join reads by key, as a query describes it: its columns, and how to open
/// it when the query starts. The PostgreSQL table (`LookupTable.postgres(url:table:)` in
/// `SluicePostgres`) is one; a store of your own (a key-value store, a REST service) implements
/// this protocol and `LookupSource`, in its own module.
public protocol LookupSourceProvider: Sendable {
    /// Names the table for plans, progress and errors (never a password).
    var description: String { get }
    /// The table's columns, known without I/O when the query is analysed (declared, or read
    /// once when the provider was made).
    var schema: Schema { get }
    /// The live source of a starting query, returning exactly `columns` (in that order; `key`
    /// among them) for the rows whose `key` column matches.
    func open(columns: [String], key: String) throws -> any LookupSource
}

/// The table side of `DataStream.lookupJoin`: a lookup source and its cache settings.
///
/// ```swift
/// import SluicePostgres
/// let enriched = try orders.lookupJoin(
///     .postgres(url: "postgres://app@db:5432/shop", table: "customers").cache(maxKeys: 100_000, timeToLive: .seconds(30)),
///     on: "customer_id", type: .leftOuter)
/// ```
public struct LookupTable: Sendable {
    public let provider: any LookupSourceProvider
    public var options: LookupCacheOptions
    /// The cache's clock; tests move it by hand.
    package var clock: @Sendable () -> ContinuousClock.Instant = { .now }

    public init(_ provider: any LookupSourceProvider, options: LookupCacheOptions = LookupCacheOptions()) {
        self.provider = provider
        self.options = options
    }

    /// A table of your own.
    public static func custom(_ provider: any LookupSourceProvider) -> LookupTable { LookupTable(provider) }

    public var schema: Schema { provider.schema }

    /// The same table with another cache: at most `maxKeys` keys (least recently used go
    /// first), each served for `timeToLive` after it was looked up (defaults: 10 000 keys, 60 s).
    /// A time to live of zero looks every batch's keys up again.
    public func cache(maxKeys: Int? = nil, timeToLive: Duration? = nil) -> LookupTable {
        var t = self
        if let maxKeys { t.options.maxKeys = maxKeys }
        if let timeToLive { t.options.timeToLive = timeToLive }
        return t
    }

    /// The same table asked for at most `n` keys per call (default 1000).
    public func keysPerLookup(_ n: Int) -> LookupTable {
        var t = self
        t.options.keysPerLookup = n
        return t
    }
}

extension DataStream {
    /// Joins each row of the stream with the rows of `table` whose `key` column equals the
    /// row's (Flink's lookup join). For each micro-batch the batch's distinct keys are looked
    /// up, those in the cache first and the rest in calls of `keysPerLookup` keys, so changes
    /// to the table are seen once a key's cached rows are older than the time to live.
    ///
    /// Output columns: `key`, the stream's other columns, the table's other columns (nullable).
    /// A key the table lacks drops its rows (`.inner`) or gives them nulls (`.leftOuter`);
    /// a null key never matches. The key is int64, string, date, timestamp or bool, of equal
    /// type on both sides. Cache hits and misses are in each progress record (`lookupJoins`).
    public func lookupJoin(_ table: LookupTable, on key: String, type: JoinType = .inner) -> DataStream {
        with(.lookupJoin(table, key: key, type: type, outputs: nil, plan))
    }
}
