import Foundation

/// Builds one JSON object as text, with keys in the order written. The Delta log is small
/// and written once per batch, so clarity wins over speed here; the order keeps commits
/// readable and byte-stable for tests.
struct JSONObjectWriter {
    private(set) var text = "{"
    private var empty = true

    private mutating func key(_ k: String) {
        if !empty { text += "," }
        empty = false
        text += JSONObjectWriter.quote(k) + ":"
    }

    mutating func string(_ k: String, _ v: String) {
        key(k)
        text += Self.quote(v)
    }

    mutating func optionalString(_ k: String, _ v: String?) {
        key(k)
        text += v.map(Self.quote) ?? "null"
    }

    mutating func int(_ k: String, _ v: Int64) {
        key(k)
        text += String(v)
    }

    mutating func bool(_ k: String, _ v: Bool) {
        key(k)
        text += v ? "true" : "false"
    }

    /// A value that is already JSON text.
    mutating func raw(_ k: String, _ json: String) {
        key(k)
        text += json
    }

    mutating func object(_ k: String, _ body: (inout JSONObjectWriter) -> Void) {
        var w = JSONObjectWriter()
        body(&w)
        raw(k, w.finish())
    }

    /// A string map with sorted keys (JSON null for nil values).
    mutating func stringMap(_ k: String, _ map: [String: String?]) {
        object(k) { w in
            for key in map.keys.sorted() { w.optionalString(key, map[key]!) }
        }
    }

    mutating func stringArray(_ k: String, _ values: [String]) {
        raw(k, "[" + values.map(Self.quote).joined(separator: ",") + "]")
    }

    func finish() -> String { text + "}" }

    /// `s` as a JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A finite double as JSON; nil for NaN and infinities, which JSON cannot hold.
    static func number(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        return "\(d)"
    }
}

/// Typed access to a decoded JSON object (from `JSONSerialization`), tolerant of missing keys.
struct JSONObject {
    let dict: [String: Any]

    init(_ dict: [String: Any]) { self.dict = dict }

    /// Parses one JSON object; nil if the text is not an object.
    static func parse(_ text: some StringProtocol) -> JSONObject? {
        guard let data = text.data(using: .utf8),
            let obj = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return nil }
        return JSONObject(obj)
    }

    func string(_ k: String) -> String? { dict[k] as? String }
    func int(_ k: String) -> Int64? { (dict[k] as? NSNumber)?.int64Value }
    func bool(_ k: String) -> Bool? { (dict[k] as? NSNumber)?.boolValue }
    func object(_ k: String) -> JSONObject? { (dict[k] as? [String: Any]).map(JSONObject.init) }
    func stringArray(_ k: String) -> [String]? { (dict[k] as? [Any])?.compactMap { $0 as? String } }

    /// A map of strings; JSON null values stay as nil entries.
    func stringMap(_ k: String) -> [String: String?]? {
        guard let d = dict[k] as? [String: Any] else { return nil }
        var out: [String: String?] = [:]
        for (key, v) in d {
            if let s = v as? String { out[key] = .some(s) } else if let n = v as? NSNumber { out[key] = .some(n.stringValue) } else { out[key] = .some(nil) }
        }
        return out
    }
}
