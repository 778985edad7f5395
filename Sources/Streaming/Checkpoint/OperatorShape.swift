import Columnar
import Operators
import State

/// The definition of one stateful operator, as the checkpoint remembers it: its state only
/// means something for the same definition. Two queries with equal state schemas can still
/// differ (a 1-minute and a 5-minute window keep the same key and value columns), so the
/// definition itself is compared on every start, as text per property.
public struct OperatorShape: Codable, Sendable, Equatable {
    /// `aggregation`, `session window aggregation`, `deduplication` or `limit`.
    public var kind: String
    /// Property name to its value as text, e.g. "window size": "1 minute".
    public var properties: [String: String]

    public init(kind: String, properties: [String: String]) {
        self.kind = kind
        self.properties = properties
    }

    /// The order properties are listed in messages.
    static let order = [
        "window", "window size", "window slide", "session gap", "grouping keys", "aggregates", "keys",
        "within watermark", "time mode", "state variables", "watermark column", "watermark delay", "join type", "join condition",
    ]

    /// What changed from `old` to `self`, one phrase per property ("window size was 1 minute, now 5 minutes").
    func changes(from old: OperatorShape) -> [String] {
        if kind != old.kind { return ["was \(old.kind), now \(kind)"] }
        let names = Set(properties.keys).union(old.properties.keys)
        let ordered = Self.order.filter(names.contains) + names.subtracting(Self.order).sorted()
        return ordered.compactMap { name in
            let was = old.properties[name] ?? "none", now = properties[name] ?? "none"
            return was == now ? nil : "\(name) was \(was), now \(now)"
        }
    }

    /// The stateful operators of `plan`, in the order the planner numbers them (children first).
    /// A `limit` keeps state only in append mode (`outputMode`), so only there is it one of them.
    static func operators(of plan: LogicalPlan, outputMode: OutputMode = .append) -> [OperatorShape] {
        var out: [OperatorShape] = []
        collect(plan, outputMode, into: &out)
        return out
    }

    private static func collect(_ plan: LogicalPlan, _ mode: OutputMode, into out: inout [OperatorShape]) {
        for c in plan.children { collect(c, mode, into: &out) }
        switch plan {
        case .limit(let n, _) where mode == .append:
            out.append(OperatorShape(kind: "limit", properties: ["limit": String(n)]))
        case .aggregate(let keys, let window, let aggregates, let child):
            var p: [String: String] = [
                "grouping keys": keys.isEmpty ? "none" : keys.map { $0.unaliased.description }.joined(separator: ", "),
                "aggregates": aggregates.map { "\($0.function.rawValue)(\($0.input.map { $0.unaliased.description } ?? "*"))" }
                    .joined(separator: ", "),
            ]
            if let w = window {
                switch w.kind {
                case .session:
                    p["window"] = "session on \(w.timeColumn)"
                    p["session gap"] = duration(w.size)
                case .tumbling, .sliding:
                    p["window"] = "\(w.kind == .tumbling ? "tumbling" : "sliding") on \(w.timeColumn)"
                    p["window size"] = duration(w.size)
                    p["window slide"] = duration(w.slide)
                }
            }
            addWatermark(below: child, to: &p)
            out.append(OperatorShape(kind: window?.kind == .session ? "session window aggregation" : "aggregation", properties: p))
        case .deduplicate(let columns, let within, let child):
            var p = ["keys": columns.isEmpty ? "all columns" : columns.joined(separator: ", "), "within watermark": within ? "yes" : "no"]
            addWatermark(below: child, to: &p)
            out.append(OperatorShape(kind: "deduplication", properties: p))
        case .transformWithState(let spec, let child):
            var p = [
                "grouping keys": spec.keys.joined(separator: ", "), "time mode": spec.timeMode.rawValue,
                "state variables": spec.processor.stateVariables.map(\.shapeDescription).sorted().joined(separator: "; "),
            ]
            addWatermark(below: child, to: &p)
            out.append(OperatorShape(kind: "transformWithState", properties: p))
        case .joinStream(let a, let b, let condition, let type):
            var p = ["join type": type.sparkName, "join condition": condition.description]
            var left: [String: String] = [:], right: [String: String] = [:]
            addWatermark(below: a, to: &left)
            addWatermark(below: b, to: &right)
            for (k, v) in left { p["left " + k] = v }
            for (k, v) in right { p["right " + k] = v }
            out.append(OperatorShape(kind: "stream-stream join", properties: p))
        default:
            break
        }
    }

    /// The event-time watermark an operator sees: the nearest `withWatermark` below it.
    private static func addWatermark(below plan: LogicalPlan, to p: inout [String: String]) {
        var node: LogicalPlan? = plan
        while let n = node {
            if case .watermark(let column, let delayMs, _, _) = n {
                p["watermark column"] = column
                p["watermark delay"] = duration(delayMs * 1000)
                return
            }
            node = n.children.first
        }
    }

    /// A duration in µs as words: "1 minute", "90 seconds", "1500 ms".
    static func duration(_ micros: Int64) -> String {
        let units: [(Int64, String)] = [(86_400_000_000, "day"), (3_600_000_000, "hour"), (60_000_000, "minute"), (1_000_000, "second")]
        for (size, name) in units where micros != 0 && micros % size == 0 {
            let n = micros / size
            return "\(n) \(name)\(n == 1 ? "" : "s")"
        }
        return micros % 1000 == 0 ? "\(micros / 1000) ms" : "\(micros) µs"
    }
}
