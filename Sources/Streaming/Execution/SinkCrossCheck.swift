import Operators
import State
import Delta
import Sinks

/// The comparison, at start, of the last batch the sink holds with what the checkpoint says
/// the sink should hold. Run before any batch is planned, so a mismatch never turns into
/// batches planned anew from a source position the sink has already moved past.
struct SinkCrossCheck: Sendable, Equatable {
    /// The last batch with `commits/N` (nil: none).
    var committed: Int64?
    /// What `commits/<committed>` recorded as the sink's last batch (-1: none; nil: not recorded,
    /// because the sink cannot tell or the file predates the field).
    var expectedSinkBatch: Int64?
    /// A batch with `offsets/N` and no commit: the sink may already hold it.
    var pending: Int64?
    /// The sink's last applied batch of this query (-1: none).
    var sinkBatch: Int64

    enum Outcome: Sendable, Equatable {
        case consistent
        /// The sink lost batches `range` (and holds everything before): they are to be re-applied.
        case behind(ClosedRange<Int64>)
        /// The sink holds a batch the checkpoint has not committed, or one the checkpoint says
        /// the sink never got: the checkpoint is older than the sink.
        case ahead
    }

    var outcome: Outcome {
        let k = committed ?? -1
        if sinkBatch > k { return sinkBatch == pending ? .consistent : .ahead }
        guard let e = expectedSinkBatch, committed != nil else { return .consistent }
        if sinkBatch < e { return .behind(sinkBatch + 1...e) }
        return sinkBatch == e ? .consistent : .ahead
    }

    /// The batch the sink should be brought back to when it is ahead: the checkpoint's last
    /// sink batch (or last committed batch, when that was not recorded).
    var rollbackTarget: Int64 { expectedSinkBatch ?? committed ?? -1 }

    /// What re-running `batches` needs and the checkpoint no longer has, or nil: each batch's
    /// offsets and those of the batch before (its start offsets and late-events watermark), and
    /// every stateful operator's state version of the first batch.
    static func missingForReapply(
        _ batches: ClosedRange<Int64>, offsets: OffsetLog, checkpointRoot: String, statefulOperators: Int, retainedBatches: Int64
    ) throws -> String? {
        for id in max(batches.lowerBound - 1, 0)...batches.upperBound where try offsets.read(id) == nil {
            return "\(offsets.log.path(id)) is gone (the checkpoint keeps the offsets of the last \(retainedBatches) batches)"
        }
        for op in 0..<statefulOperators {
            if let file = try FileStateStoreProvider.missingFile(checkpointRoot: checkpointRoot, operatorId: op, version: batches.lowerBound) {
                return "state version \(batches.lowerBound) of operator \(op) cannot be loaded: \(file) is gone (the last 100 state versions are kept)"
            }
        }
        return nil
    }
}

/// A sink that does not match its checkpoint, with both positions and the ways out.
public enum SinkCheckError: Error, CustomStringConvertible, Equatable {
    /// The sink holds batches the checkpoint did not commit (the checkpoint was restored from an
    /// older backup, or belongs to an older copy of the query).
    case sinkAhead(checkpoint: String, sink: String, sinkBatch: Int64, committed: Int64?, expectedSinkBatch: Int64?, detail: String?)
    /// The sink lost batches the checkpoint committed (a lost commit, a table restored from an
    /// older backup, a deleted table) and they cannot be re-applied.
    case sinkBehind(checkpoint: String, sink: String, sinkBatch: Int64, committed: Int64, expectedSinkBatch: Int64, reason: String)

    public var description: String {
        switch self {
        case .sinkAhead(let cp, let sink, let s, let k, let e, let detail):
            let committed = k.map { "batch \($0)" } ?? "no batch"
            let expected = e.map { $0 < 0 ? " (the sink held no batch then)" : " (the sink then held batch \($0))" } ?? ""
            return "\(sink) holds batch \(s) of this query\(detail.map { " (\($0))" } ?? ""), but checkpoint \(cp) has committed "
                + "\(committed)\(expected): the checkpoint is older than the sink (restored from an older backup?). Running on would plan "
                + "the batches after \(k ?? -1) again, possibly from other source data, and the sink would skip them as done. Choices: "
                + "restore the checkpoint backup that matches the sink; or run `sluice recover \(cp)` to roll a Delta table back to "
                + "the checkpoint (batches after \(e ?? k ?? -1) are then written again); or delete the sink's data and start with a new "
                + "checkpointLocation to rebuild it from the source"
        case .sinkBehind(let cp, let sink, let s, let k, let e, let reason):
            let held = s < 0 ? "no batch" : "batches only up to \(s)"
            return "\(sink) holds \(held) of this query, but checkpoint \(cp) has committed batch \(k) (the sink then held batch \(e)): "
                + "the sink lost batches \(s + 1)...\(e) (a lost commit file, a restore from an older backup, or a deleted table). "
                + "They cannot be re-applied: \(reason). Choices: restore the sink's backup that matches the checkpoint; or delete "
                + "the sink's data and start with a new checkpointLocation to rebuild it from the source"
        }
    }
}
