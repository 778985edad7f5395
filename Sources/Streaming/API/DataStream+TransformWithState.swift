import Columnar
import Operators

extension DataStream {
    /// Groups the stream by columns for `transformWithState` (Spark's `groupByKey`).
    public func groupByKey(_ columns: String...) -> KeyedDataStream { groupByKey(columns) }
    /// `groupByKey` with the columns in an array.
    public func groupByKey(_ columns: [String]) -> KeyedDataStream {
        KeyedDataStream(stream: self, keys: columns.map(FieldPath.columnName))
    }
}

/// A stream grouped by key columns, waiting for its stateful processor.
public struct KeyedDataStream: Sendable {
    let stream: DataStream
    let keys: [String]

    /// Runs `processor` over the rows of each key, with per-key state and timers (Spark 4's
    /// `transformWithState`). The output is what the processor emits, in `outputSchema`; append
    /// and update output modes are accepted (complete is refused, as in Spark). With
    /// `timeMode: .eventTime` the input needs `withWatermark`. See README "Stateful processors".
    public func transformWithState(_ processor: any StatefulProcessor, timeMode: TimeMode) -> DataStream {
        stream.with(.transformWithState(TransformWithStateSpec(keys: keys, processor: processor, timeMode: timeMode), stream.plan))
    }
}
