import State

/// The state a stateful operator changed in the batch it is running, until the engine commits it.
struct PendingState {
    let provider: any StateStoreProvider
    private var store: (any StateStore)?

    init(provider: any StateStoreProvider) {
        self.provider = provider
    }

    /// Loads state version `batchId` for batch `batchId`.
    func load(batchId: Int64) throws -> any StateStore {
        try provider.load(version: batchId)
    }

    /// Keeps the batch's changed store until `commit`.
    mutating func hold(_ store: any StateStore) { self.store = store }

    /// Writes state version N+1; the provider schedules its own maintenance.
    mutating func commit() throws {
        guard var s = store else { return }
        _ = try s.commit()
        store = nil
    }
}
