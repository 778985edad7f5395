import Columnar

extension DeltaTable {
    /// The commitInfo parameter a streaming sink records each batch's watermark in (ISO-8601 UTC).
    public static let watermarkParameter = "watermark"

    /// The newest watermark a streaming writer recorded in the commits up to `version`
    /// (`commitInfo.operationParameters.watermark`), looking back at most `lookBack` commits;
    /// nil when none of them carries one (a writer without a watermark, or a table written by
    /// another engine). Compaction commits carry none and are stepped over.
    ///
    /// A window that ends at or before this instant is final in that version: the query drops
    /// later rows for it as late (Spark's watermark semantics), so no later commit changes it.
    public func recordedWatermark(atOrBefore version: Int64, lookBack: Int = 32) throws -> Int64? {
        var v = version
        while v >= 0 && version - v < Int64(lookBack), let actions = try commitActions(version: v) {
            for case .commitInfo(let info) in actions {
                if let text = info.operationParameters[Self.watermarkParameter], let micros = Timestamps.parseISO8601(text) {
                    return micros
                }
            }
            v -= 1
        }
        return nil
    }
}
