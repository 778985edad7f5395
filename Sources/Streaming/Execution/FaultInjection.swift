/// Points in the batch protocol where tests inject failures, to prove that a crash at any step
/// loses nothing and duplicates nothing.
enum FaultPoint: String, Sendable, CaseIterable {
    /// The sources have taken the batch's data (the file source has logged its files);
    /// `offsets/N` is not written.
    case beforeOffsetsWritten
    /// `offsets/N` is durable; no data has been read.
    case afterOffsetsWritten
    /// The batch's data has been read and transformed; the sink has not seen it.
    case afterDataRead
    /// State version N+1 is durable; the sink has not seen batch N.
    case afterStateCommit
    /// The sink has committed batch N; `commits/N` is not written.
    case afterSinkCommit
    /// `commits/N` is written; the next batch has not started.
    case afterBatchCommitted
}

/// Called at each fault point with the batch id; throwing makes the query fail right there.
typealias FaultHook = @Sendable (FaultPoint, Int64) throws -> Void

/// The error a fault hook throws to simulate a crash.
struct InjectedFault: Error, CustomStringConvertible {
    let point: FaultPoint
    let batchId: Int64
    var description: String { "injected fault \(point.rawValue) in batch \(batchId)" }
}
