import Formats

/// Which data a source reads, as the checkpoint remembers it: offsets in `offsets/` and the
/// file source's log only mean something for this source. Options that only size batches
/// (`maxFilesPerTrigger`, `maxBytesPerTrigger`) are left out, so they may change between runs,
/// as Spark allows.
public struct SourceIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `jsonLines`, `csv`, `delta`, or a custom source's own name (e.g. `bus`).
    public var format: String
    /// The directory or table, absolute; a custom source's address (a topic, a stream name).
    public var path: String
    /// Options that decide which files or rows are read (e.g. `pathGlobFilter`), by name.
    public var options: [String: String]
    /// A Delta source's table id (`metaData.id`): a table deleted and created again at the same
    /// path is another table, whose versions the stored offsets do not describe.
    public var tableId: String?

    public init(format: String, path: String, options: [String: String] = [:], tableId: String? = nil) {
        self.format = format
        self.path = path
        self.options = options
        self.tableId = tableId
    }

    public var description: String {
        var s: String
        switch format {
        case "delta": s = "Delta table \(path)"
        case "jsonLines", "csv": s = "\(format) files under \(path)"
        default: s = "\(format) \(path)"
        }
        var extras = options.keys.sorted().map { "\($0)=\(options[$0]!)" }
        if let tableId { extras.append("table id \(tableId)") }
        if !extras.isEmpty { s += " (" + extras.joined(separator: ", ") + ")" }
        return s
    }
}
