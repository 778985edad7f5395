import State

/// The state a stateful operator changed in the batch it is running, until the engine commits it.
struct PendingState {
    let provider: StateStoreProvider
    private var store: StateStore?

    init(provider: StateStoreProvider) {
        self.provider = provider
    }

    /// Loads state version `batchId` for batch `batchId`.
    func load(batchId: Int64) throws -> StateStore {
        try provider.load(version: batchId)
    }

    /// Keeps the batch's changed store until `commit`.
    mutating func hold(_ store: StateStore) { self.store = store }

    /// Writes state version N+1 and, at each snapshot, deletes files no retained version needs.
    mutating func commit() throws {
        guard var s = store else { return }
        _ = try s.commit()
        store = nil
        if s.version % Int64(provider.snapshotInterval) == 0 { try provider.maintenance() }
    }
}
