import Foundation

/// Where a query that has no checkpoint yet starts reading the stream's shards. Later starts
/// continue from the checkpoint's offsets, whatever this says.
public enum KinesisStartingPosition: Sendable, Equatable {
    /// The oldest record still retained in every shard.
    case trimHorizon
    /// Records that arrive after the query first starts. Resolved once, at the first batch, to
    /// `AT_TIMESTAMP` of that moment and recorded in the offsets, so a batch re-run after a
    /// crash reads the same records (a `LATEST` iterator would point elsewhere by then).
    case latest
    /// Records that arrived at or after the time.
    case atTimestamp(Date)
}
