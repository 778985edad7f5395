import Columnar
import State

extension Value {
    /// The value as it groups and as the aggregate's output shows it: -0.0 as 0.0 and every NaN
    /// as the one NaN, as Spark's `NormalizeFloatingNumbers` rule does to grouping keys. The
    /// encodings (`GroupKeyBatch`, a key `RowCodec`) normalise the same way, so the key a batch
    /// emits is the key it finds in state.
    var normalizedGroupingKey: Value {
        guard case .double(let d) = self else { return self }
        if d.isNaN { return .double(.nan) }
        return d == 0 ? .double(0) : self
    }
}
