import Columnar
import Formats
import Foundation

/// Per-file column statistics (`add.stats`, Delta PROTOCOL.md "Per-file Statistics"), built from what the Parquet
/// writer measured and parsed back for file skipping.
public struct DeltaFileStats: Sendable, Hashable {
    public var numRecords: Int64?
    /// Lower bounds (exact or a prefix for long strings); absent when unknown.
    public var minValues: [String: Value]
    /// Upper bounds; timestamps are floored to milliseconds in the log, so a reader must
    /// widen them by 1 ms (`upperBound(_:type:)` does).
    public var maxValues: [String: Value]
    public var nullCount: [String: Int64]

    /// Strings longer than this keep a prefix as min and no max (Spark's prefix length).
    static let stringPrefixLength = 32
    /// Only the first columns get statistics (`delta.dataSkippingNumIndexedCols`).
    static let indexedColumns = 32

    public init(numRecords: Int64?, minValues: [String: Value] = [:], maxValues: [String: Value] = [:], nullCount: [String: Int64] = [:]) {
        self.numRecords = numRecords
        self.minValues = minValues
        self.maxValues = maxValues
        self.nullCount = nullCount
    }

    /// The stats JSON of a written file (partition columns are not in the file, so not here).
    static func json(_ summary: ParquetWriteSummary) -> String {
        let columns = summary.columns.prefix(indexedColumns)
        var w = JSONObjectWriter()
        w.int("numRecords", Int64(summary.rowCount))
        w.object("minValues") { w in
            for c in columns { if let v = jsonValue(c.min, isMax: false) { w.raw(c.name, v) } }
        }
        w.object("maxValues") { w in
            for c in columns { if let v = jsonValue(c.max, isMax: true) { w.raw(c.name, v) } }
        }
        w.object("nullCount") { w in
            for c in columns { w.int(c.name, Int64(c.nullCount)) }
        }
        return w.finish()
    }

    /// A bound as JSON text, or nil when it must be left out (no value, NaN/infinite double,
    /// a long string's max).
    static func jsonValue(_ v: Value, isMax: Bool) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int64(let x): return String(x)
        case .double(let d):
            if d == 0 { return isMax ? "0.0" : "-0.0" }
            return JSONObjectWriter.number(d)
        case .string(let s):
            let scalars = s.unicodeScalars
            if scalars.count <= stringPrefixLength { return JSONObjectWriter.quote(s) }
            if isMax { return nil }
            var prefix = String.UnicodeScalarView()
            prefix.append(contentsOf: scalars.prefix(stringPrefixLength))
            return JSONObjectWriter.quote(String(prefix))
        case .timestamp(let t):
            // Floored to milliseconds (floorDiv handles times before 1970).
            return JSONObjectWriter.quote(Timestamps.format(Timestamps.floorDiv(t, 1000) * 1000))
        case .date(let d): return JSONObjectWriter.quote(Dates.format(d))
        }
    }

    /// Parses stats JSON; values are typed later by `lowerBound`/`upperBound`.
    public init?(json: String) {
        guard let obj = JSONObject.parse(json) else { return nil }
        numRecords = obj.int("numRecords")
        func values(_ key: String) -> [String: Value] {
            var out: [String: Value] = [:]
            for (k, v) in obj.object(key)?.dict ?? [:] {
                if let s = v as? String {
                    out[k] = .string(s)
                } else if let n = v as? NSNumber {
                    // JSON does not say int or double; keep both readings available via double.
                    if CFNumberIsFloat(n) { out[k] = .double(n.doubleValue) } else { out[k] = .int64(n.int64Value) }
                } else if let b = v as? Bool {
                    out[k] = .bool(b)
                }
            }
            return out
        }
        minValues = values("minValues")
        maxValues = values("maxValues")
        var nulls: [String: Int64] = [:]
        for (k, v) in obj.object("nullCount")?.dict ?? [:] { if let n = v as? NSNumber { nulls[k] = n.int64Value } }
        nullCount = nulls
    }

    /// The recorded minimum of `column` as a value of `type`, or `.null` if unknown.
    public func lowerBound(_ column: String, type: DataType) -> Value {
        Self.typed(minValues[column], type)
    }

    /// The recorded maximum of `column` as a value of `type`, widened where the log rounds
    /// down (timestamps by 1 ms); `.null` if unknown.
    public func upperBound(_ column: String, type: DataType) -> Value {
        let v = Self.typed(maxValues[column], type)
        if case .timestamp(let t) = v { return .timestamp(t + 999) }
        return v
    }

    private static func typed(_ v: Value?, _ type: DataType) -> Value {
        guard let v else { return .null }
        switch (v, type) {
        case (.string(let s), .timestamp): return Timestamps.parseISO8601(s).map { .timestamp($0) } ?? .null
        case (.int64(let x), .double): return .double(Double(x))
        case (.double(let d), .int64):
            return d.rounded() == d && abs(d) < 9e18 ? .int64(Int64(d)) : .null
        default: return v.cast(to: type) ?? .null
        }
    }
}

/// True when `n` holds a floating-point number (JSON `1.0` vs `1`).
private func CFNumberIsFloat(_ n: NSNumber) -> Bool {
    let t = String(cString: n.objCType)
    return t == "d" || t == "f"
}
