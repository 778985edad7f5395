import Columnar
import Synchronization

/// How a lookup join caches and batches its lookups.
public struct LookupCacheOptions: Sendable, Equatable {
    /// The most keys the cache holds; the least recently used go first.
    public var maxKeys: Int
    /// How long a looked-up key (found or not) is served from the cache before it is looked up again.
    public var timeToLive: Duration
    /// The most keys one call to the source asks for.
    public var keysPerLookup: Int

    public init(maxKeys: Int = 10_000, timeToLive: Duration = .seconds(60), keysPerLookup: Int = 1_000) {
        self.maxKeys = maxKeys
        self.timeToLive = timeToLive
        self.keysPerLookup = keysPerLookup
    }
}

/// What a lookup join did in one batch, for progress.
public struct LookupJoinMetrics: Sendable, Equatable {
    public var name: String
    /// Distinct non-null keys in the batch: each is looked up (in the cache) once.
    public var numKeys: Int64 = 0
    public var numCacheHits: Int64 = 0
    public var numCacheMisses: Int64 = 0
    /// Keys with no row in the table (their stream rows got nulls or were dropped).
    public var numKeysNotFound: Int64 = 0
    /// Calls to the source (each for up to `keysPerLookup` keys).
    public var numLookups: Int64 = 0
    /// Keys in the cache after the batch.
    public var cacheEntries: Int64 = 0
    /// Time spent in the source's calls.
    public var lookupTimeMs: Int64 = 0

    public init(name: String) { self.name = name }
}

/// Joins a stream with a table that is looked up by key as batches arrive (Flink's lookup
/// join), for a table too large or too changeable to read once: a database table, say.
///
/// For each batch the distinct keys of all its rows are collected; those the cache holds and
/// whose time to live has not passed are hits, the others are asked of the source in calls of
/// at most `keysPerLookup` keys, and what comes back (rows, or none) is cached. The rows of
/// the batch's keys then form a small table the stream is hash-joined with, so the output is
/// that of `HashJoinOperator`: the key, the stream's other columns, the table's other columns;
/// a key with no row yields nulls (`leftOuter`) or drops its rows (`inner`); a key with several
/// rows yields one row for each; null keys never match.
///
/// A lookup sees the table as it is when the batch runs: a batch re-run after a crash may see
/// newer rows than its first run did (as in Flink, a lookup is not part of the checkpoint).
public final class LookupJoinOperator: Sendable {
    public let outputSchema: Schema
    /// The columns the source returns.
    public let lookupSchema: Schema
    public let source: any LookupSource
    public let options: LookupCacheOptions
    public let name: String
    private let streamSchema: Schema
    private let key: String
    private let streamKeyIndex: Int
    private let lookupKeyIndex: Int
    private let type: JoinType
    private let outputs: Set<String>?
    private let clock: @Sendable () -> ContinuousClock.Instant
    /// The rows of each cached key (none: the table has no row for it).
    private let cache: Mutex<LookupCache<Value, [[Value]]>>

    /// Key types matched by value equality in the cache and by the hash join alike (doubles are
    /// left out: the two treat -0.0 and NaN differently).
    public static let keyTypes: Set<DataType> = [.int64, .string, .date, .timestamp, .bool]

    /// The join's output columns, checked as the operator checks them, without a source.
    public static func outputSchema(stream: Schema, lookupSchema: Schema, key: String, outputs: Set<String>? = nil) throws -> Schema {
        let schema = try HashJoinOperator.outputSchema(stream: stream, staticSchema: lookupSchema, on: [key], outputs: outputs)
        let type = stream.fields[try stream.require(key)].type
        guard keyTypes.contains(type) else {
            throw ColumnarError.typeMismatch("lookup key '\(key)' is \(type); a lookup key is int64, string, date, timestamp or bool")
        }
        return schema
    }

    /// - Parameters:
    ///   - lookupSchema: the columns `source` returns, `key` among them.
    ///   - outputs: the output columns to materialise (nil for all).
    ///   - clock: when the cache's entries are stored and checked (tests move it by hand).
    public init(
        stream: Schema, source: any LookupSource, lookupSchema: Schema, key: String, type: JoinType, outputs: Set<String>? = nil,
        options: LookupCacheOptions = LookupCacheOptions(), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) throws {
        guard options.maxKeys > 0, options.keysPerLookup > 0 else {
            throw ColumnarError.invalidArgument("a lookup cache needs maxKeys and keysPerLookup above 0")
        }
        outputSchema = try Self.outputSchema(stream: stream, lookupSchema: lookupSchema, key: key, outputs: outputs)
        self.lookupSchema = lookupSchema
        self.source = source
        self.options = options
        self.streamSchema = stream
        self.key = key
        streamKeyIndex = try stream.require(key)
        lookupKeyIndex = try lookupSchema.require(key)
        self.type = type
        self.outputs = outputs
        self.clock = clock
        name = "lookupJoin(\(source.description) on \(key))"
        cache = Mutex(LookupCache(capacity: options.maxKeys, timeToLive: options.timeToLive))
    }

    /// Looks up the keys of a batch (given in parts) and returns the join to run on each part,
    /// with the batch's metrics.
    public func prepare(_ parts: [RecordBatch]) throws -> (join: HashJoinOperator, metrics: LookupJoinMetrics) {
        var metrics = LookupJoinMetrics(name: name)
        let keys = distinctKeys(parts)
        metrics.numKeys = Int64(keys.count)
        let now = clock()
        var rows: [[Value]] = []
        var missing: [Value] = []
        cache.withLock { c in
            for k in keys {
                if let cached = c.get(k, now: now) {
                    rows += cached
                    if cached.isEmpty { metrics.numKeysNotFound += 1 }
                } else {
                    missing.append(k)
                }
            }
        }
        metrics.numCacheHits = Int64(keys.count - missing.count)
        metrics.numCacheMisses = Int64(missing.count)

        let fetched = try fetch(missing, metrics: &metrics)
        cache.withLock { c in
            for k in missing {
                let found = fetched[k] ?? []
                c.put(k, found, now: now)
                rows += found
                if found.isEmpty { metrics.numKeysNotFound += 1 }
            }
            metrics.cacheEntries = Int64(c.count)
        }
        let table = try RecordBatch.fromRows(rows, schema: lookupSchema)
        let join = try HashJoinOperator(stream: streamSchema, staticTable: table, on: [key], type: type, outputs: outputs)
        return (join, metrics)
    }

    /// The batch's distinct non-null keys, in order of first appearance: rows are grouped by
    /// their encoded key bytes, so a `Value` is made once per key, not once per row.
    private func distinctKeys(_ parts: [RecordBatch]) -> [Value] {
        var table = GroupKeyTable(capacity: 1024)
        var keys: [Value] = []
        for part in parts where part.rowCount > 0 {
            let column = part.columns[streamKeyIndex]
            let valid: [Int]? = column.validity == nil ? nil : (0..<part.rowCount).filter { column.isValid($0) }
            GroupKeyBatch.forEachBlock(count: valid?.count ?? part.rowCount, columns: [column], rows: valid) { block, start in
                for k in 0..<block.count {
                    let g = Int(block.withKey(k) { table.findOrInsert($0) })
                    if g == keys.count { keys.append(column[valid?[start + k] ?? start + k]) }
                }
            }
        }
        return keys
    }

    /// The rows of `keys` by key, asked of the source `keysPerLookup` keys at a time.
    private func fetch(_ keys: [Value], metrics: inout LookupJoinMetrics) throws -> [Value: [[Value]]] {
        var found: [Value: [[Value]]] = [:]
        let keyType = lookupSchema.fields[lookupKeyIndex].type
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            metrics.lookupTimeMs = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        }
        var start = 0
        while start < keys.count {
            let chunk = Array(keys[start..<min(keys.count, start + options.keysPerLookup)])
            start += chunk.count
            let batch = try source.lookup(keys: Column.from(chunk, type: keyType))
            metrics.numLookups += 1
            guard batch.schema.fields.map(\.name) == lookupSchema.fields.map(\.name),
                batch.schema.fields.map(\.type) == lookupSchema.fields.map(\.type)
            else {
                throw ColumnarError.typeMismatch(
                    "\(source.description) returned the columns [\(Self.describe(batch.schema))], the lookup join expects [\(Self.describe(lookupSchema))]")
            }
            let keyColumn = batch.columns[lookupKeyIndex]
            for r in 0..<batch.rowCount where keyColumn.isValid(r) {
                found[keyColumn[r], default: []].append(batch.row(r))
            }
        }
        return found
    }

    private static func describe(_ s: Schema) -> String {
        s.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    }
}
