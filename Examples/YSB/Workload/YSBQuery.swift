import Streaming

/// The Yahoo Streaming Benchmark query: views per campaign per 10-second window.
///
/// filter `event_type == "view"` → project `ad_id`, `event_time` → join campaigns on `ad_id` →
/// watermark 10 s → group by 10 s tumbling window and `campaign_id` → count.
public enum YSBQuery {
    public static let eventSchema = Schema([
        Field("user_id", .string), Field("page_id", .string), Field("ad_id", .string), Field("ad_type", .string),
        Field("event_type", .string), Field("event_time", .timestamp), Field("ip_address", .string),
    ])

    public static let campaignSchema = Schema([Field("ad_id", .string), Field("campaign_id", .string)])

    /// The query over the event files in `events`, joined with the campaigns file.
    public static func build(session: StreamingSession, events: String, campaigns: String, maxFilesPerTrigger: Int?) throws -> DataStream {
        let campaignTable = try session.read.format(.jsonLines).schema(campaignSchema).load(campaigns)
        var reader = session.readStream.format(.jsonLines).schema(eventSchema).option(.columnNameOfCorruptRecord(nil))
        if let n = maxFilesPerTrigger { reader = reader.option(.maxFilesPerTrigger(n)) }
        return try reader.load(events)
            .filter(col("event_type") == "view")
            .select(col("ad_id"), col("event_time"))
            .join(campaignTable, on: "ad_id")
            .withWatermark("event_time", delay: .seconds(10))
            .groupBy(window(col("event_time"), .seconds(10)), col("campaign_id"))
            .count()
            .select(col("campaign_id"), col("window_start"), col("window_end"), col("count"))
    }
}
