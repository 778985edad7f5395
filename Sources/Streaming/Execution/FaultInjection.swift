import Formats

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

extension FaultPoint {
    /// The point a phase boundary is, if any: each fault point is where one phase ends or the
    /// next begins (`BatchPhase`).
    static func at(entering phase: BatchPhase) -> FaultPoint? {
        switch phase {
        case .offsetsWrite: return .beforeOffsetsWritten
        case .dataRead: return .afterOffsetsWritten
        case .idle: return .afterBatchCommitted
        default: return nil
        }
    }

    static func at(leaving phase: BatchPhase) -> FaultPoint? {
        switch phase {
        case .execution: return .afterDataRead
        case .stateCommit: return .afterStateCommit
        case .sinkWrite: return .afterSinkCommit
        default: return nil
        }
    }
}

/// Fault injection for tests, as a phase observer: calls the hook at every fault point.
struct FaultInjector: BatchPhaseObserver {
    let hook: FaultHook

    func enter(_ phase: BatchPhase, batch: Int64?) throws {
        if let point = FaultPoint.at(entering: phase), let batch { try hook(point, batch) }
    }

    func leave(_ phase: BatchPhase, batch: Int64?) throws {
        if let point = FaultPoint.at(leaving: phase), let batch { try hook(point, batch) }
    }
}

/// Called at each fault point with the batch id; throwing makes the query fail right there.
typealias FaultHook = @Sendable (FaultPoint, Int64) throws -> Void

/// The error a fault hook throws to simulate a crash.
struct InjectedFault: Error, CustomStringConvertible {
    let point: FaultPoint
    let batchId: Int64
    var description: String { "injected fault \(point.rawValue) in batch \(batchId)" }
}
