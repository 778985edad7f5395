/// The table properties that bound how long removed data files and old log entries are kept
/// (Delta PROTOCOL.md, "Table Properties" and "Metadata Cleanup"; Spark's `DeltaConfigs`).
extension DeltaSnapshot {
    /// `delta.deletedFileRetentionDuration`, default one week: how long a removed file stays on
    /// disk for readers of older versions. Also the smallest retention `vacuum` accepts unforced.
    public func deletedFileRetentionMillis() throws -> Int64 {
        try DeltaInterval.property("delta.deletedFileRetentionDuration", in: metadata.configuration, table: tablePath)
            ?? DeltaTable.defaultVacuumRetentionMillis
    }

    /// `delta.logRetentionDuration`, default 30 days: how long commits stay in `_delta_log`.
    public func logRetentionMillis() throws -> Int64 {
        try DeltaInterval.property("delta.logRetentionDuration", in: metadata.configuration, table: tablePath)
            ?? DeltaTable.defaultLogRetentionMillis
    }

    /// `delta.enableExpiredLogCleanup`, default true.
    public var expiredLogCleanupEnabled: Bool {
        metadata.configuration["delta.enableExpiredLogCleanup"]?.lowercased() != "false"
    }
}

/// Spark's interval strings as table properties hold them: `interval 1 week`,
/// `interval 30 days`, `interval 2 days 12 hours`, `7 days` (the `interval` prefix is optional).
enum DeltaInterval {
    static let unitMillis: [String: Int64] = [
        "week": 7 * 86_400_000, "day": 86_400_000, "hour": 3_600_000, "minute": 60_000, "second": 1000, "millisecond": 1,
    ]

    /// The duration in milliseconds, or nil if `text` is not such an interval.
    static func parseMillis(_ text: String) -> Int64? {
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.first == "interval" { words.removeFirst() }
        guard !words.isEmpty, words.count % 2 == 0 else { return nil }
        var total: Int64 = 0
        for i in stride(from: 0, to: words.count, by: 2) {
            guard let n = Int64(words[i]), n >= 0 else { return nil }
            var unit = words[i + 1]
            if unit.hasSuffix("s") { unit.removeLast() }
            guard let ms = unitMillis[unit] else { return nil }
            let (product, o1) = n.multipliedReportingOverflow(by: ms)
            let (sum, o2) = total.addingReportingOverflow(product)
            guard !o1, !o2 else { return nil }
            total = sum
        }
        return total
    }

    /// The property's duration, nil when unset; a value that is not an interval is an error
    /// naming the property (guessing a retention could delete data someone still needs).
    static func property(_ key: String, in configuration: [String: String], table: String) throws -> Int64? {
        guard let text = configuration[key] else { return nil }
        guard let ms = parseMillis(text) else {
            throw DeltaError.invalidArgument(
                "\(table): table property \(key)='\(text)' is not an interval such as 'interval 7 days'; fix the property")
        }
        return ms
    }

    /// `168 hours`, `30 days`, `90 minutes`: for messages.
    static func describe(_ millis: Int64) -> String {
        if millis == 0 { return "0 hours" }
        if millis % 86_400_000 == 0 { return "\(millis / 86_400_000) days" }
        if millis % 3_600_000 == 0 { return "\(millis / 3_600_000) hours" }
        if millis % 60_000 == 0 { return "\(millis / 60_000) minutes" }
        return "\(millis) ms"
    }
}
