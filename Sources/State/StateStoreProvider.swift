import Columnar

/// Keeps the versioned key/value state of one stateful operator: the plug-in point for state
/// storage, after Spark's `StateStoreProvider`. `FileStateStoreProvider` (delta and snapshot
/// files under the checkpoint) is the default; another implementation (an embedded key/value
/// engine, an object store) implements this and `StateStore`.
///
/// Batch N loads version N and commits version N+1; a re-run of batch N after a crash loads
/// version N again and must be able to commit N+1 again (replacing it). Keys are the
/// `GroupKeyBatch` bytes of the key schema's fields (`StateKeyCodec`); values are the `RowCodec`
/// bytes of the value schema's fields, kept bit for bit.
public protocol StateStoreProvider: AnyObject, Sendable {
    /// The schema of keys; a provider refuses state written under an incompatible one.
    var keySchema: Schema { get }
    /// The schema of values; a provider refuses state written under an incompatible one.
    var valueSchema: Schema { get }
    /// How keys are spread over partitions; fixed for the life of the state.
    var numPartitions: Int { get }

    /// The state as of `version` (0 is the empty state before the first commit), ready for the
    /// changes that its `commit()` turns into `version + 1`.
    func load(version: Int64) throws -> any StateStore

    /// Housekeeping that is never needed for correctness of the next batch: write snapshots that
    /// are due and delete files no retained version needs. Runs on the caller's thread; safe to
    /// run while another thread loads or commits. Returns how many files it deleted.
    @discardableResult
    func maintenance() throws -> Int

    /// Waits until background work this provider started has finished, and throws its failure.
    func close() throws
}

/// One version of an operator's state, open for the changes of one batch (Spark's `StateStore`).
/// Use from one thread at a time. After `commit()` or `abort()` it stays readable.
public protocol StateStore: Sendable {
    /// The version this store was loaded at.
    var version: Int64 { get }
    var keySchema: Schema { get }
    var valueSchema: Schema { get }
    var numPartitions: Int { get }
    /// The version `commit()` produced, or nil if the store has not been committed.
    var committedVersion: Int64? { get }
    /// Sizes and change counts for progress reports.
    var metrics: StateStoreMetrics { get }

    /// The partition of `key` (key bytes).
    func partition(ofKey key: UnsafeRawBufferPointer) -> Int
    /// The value bytes stored for `key`, or nil.
    func value(forKey key: UnsafeRawBufferPointer) -> [UInt8]?
    /// Sets the value of `key`, replacing any previous one.
    mutating func put(key: UnsafeRawBufferPointer, value: [UInt8]) throws
    /// Reads and writes `key` with one lookup: `body` gets the stored value (nil if none) and
    /// returns the value to store, or nil to leave the entry as it is. Returns whether it stored.
    @discardableResult
    mutating func update(key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> [UInt8]?) throws -> Bool
    /// Removes `key`; returns whether it was present.
    @discardableResult
    mutating func remove(key: UnsafeRawBufferPointer) throws -> Bool
    /// Calls `body` with the key and value bytes of every entry (of one partition, if given), in
    /// no particular order. Nothing is decoded.
    func forEachEntry(inPartition partition: Int?, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows
    /// Removes every entry for which `shouldRemove(key, value)` is true and returns how many.
    @discardableResult
    mutating func removeAll(whereBytes shouldRemove: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws -> Int
    /// Makes the changes durable as version `version + 1` and returns that version. Committing a
    /// version again (a re-run batch) replaces it.
    mutating func commit() throws -> Int64
    /// Drops the uncommitted changes; does nothing after a commit.
    mutating func abort()
}

/// One key and its value, decoded.
public struct StateEntry: Sendable, Hashable {
    public let key: [Value]
    public let value: [Value]

    public init(key: [Value], value: [Value]) {
        self.key = key
        self.value = value
    }
}

// The same operations on decoded rows, for the edges (tests, tools, operators' rare paths).
extension StateStore {
    public var keyCodec: StateKeyCodec { StateKeyCodec(keySchema) }
    public var valueCodec: RowCodec { RowCodec(valueSchema, normalizesDoubles: false) }

    /// The value stored for `key`, or nil.
    public func get(key: [Value]) throws -> [Value]? {
        let k = try keyCodec.encode(key)
        return try k.withUnsafeBytes { value(forKey: $0) }.map { try valueCodec.decode($0) }
    }

    /// Sets the value for `key`, replacing any previous one.
    public mutating func put(key: [Value], value: [Value]) throws {
        let k = try keyCodec.encode(key)
        let v = try valueCodec.encode(value)
        try k.withUnsafeBytes { try put(key: $0, value: v) }
    }

    /// `update(key:_:)` on decoded rows.
    @discardableResult
    public mutating func update(key: [Value], _ body: ([Value]?) throws -> [Value]?) throws -> Bool {
        let k = try keyCodec.encode(key)
        let codec = valueCodec
        return try k.withUnsafeBytes { kb in
            try update(key: kb) { stored in try body(stored.map { try codec.decode($0) }).map { try codec.encode($0) } }
        }
    }

    /// Removes `key`; returns whether it was present.
    @discardableResult
    public mutating func remove(key: [Value]) throws -> Bool {
        let k = try keyCodec.encode(key)
        return try k.withUnsafeBytes { try remove(key: $0) }
    }

    /// Removes every entry for which `shouldRemove` is true; decodes every entry, so operators
    /// use `removeAll(whereBytes:)`.
    @discardableResult
    public mutating func removeAll(where shouldRemove: (StateEntry) throws -> Bool) throws -> Int {
        let keys = keyCodec, values = valueCodec
        return try removeAll(whereBytes: { k, v in try shouldRemove(StateEntry(key: keys.decode(k), value: try values.decode(v))) })
    }

    /// Every entry, decoded, in no particular order.
    public func entries() -> [StateEntry] { decodedEntries(inPartition: nil) }

    /// The entries of one partition, decoded, in no particular order.
    public func entries(inPartition partition: Int) -> [StateEntry] { decodedEntries(inPartition: partition) }

    private func decodedEntries(inPartition partition: Int?) -> [StateEntry] {
        let keys = keyCodec, values = valueCodec
        var out: [StateEntry] = []
        forEachEntry(inPartition: partition) { k, v in
            out.append(StateEntry(key: keys.decode(k), value: values.decodeStored(v)))
        }
        return out
    }
}

extension RowCodec {
    /// Decodes a value the store encoded or checked on load, so failure is a bug, not bad input.
    func decodeStored(_ bytes: UnsafeRawBufferPointer) -> [Value] {
        do {
            return try decode(bytes)
        } catch {
            preconditionFailure("state value failed to decode although it was checked when stored: \(error)")
        }
    }
}
