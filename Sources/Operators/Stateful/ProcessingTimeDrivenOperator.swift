/// A stateful operator that can have work due at a processing time (a processing-time timer, a
/// TTL expiry), so the engine runs a batch without new data once that time comes, as it does
/// for a moved watermark (`StatefulOperator.reactsToWatermark`).
public protocol ProcessingTimeDrivenOperator: StatefulOperator {
    /// Whether state version `stateVersion` (the state the next batch loads) has work due at
    /// processing time `now` (µs).
    func processingTimeEventDue(stateVersion: Int64, now: Int64) throws -> Bool
}
