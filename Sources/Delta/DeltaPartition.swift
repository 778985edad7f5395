import Columnar

/// Partition values in the log and in directory names (Delta PROTOCOL.md, "Partition Value Serialization").
public enum DeltaPartition {
    /// The directory name Hive uses for a null partition value.
    public static let nullDirectoryValue = "__HIVE_DEFAULT_PARTITION__"

    /// A partition value as the log serializes it: date `yyyy-MM-dd`, timestamps ISO-8601 UTC,
    /// numbers as decimal text; nil for null.
    public static func serialize(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int64(let x): return String(x)
        case .double(let d): return "\(d)"
        case .string(let s): return s
        case .timestamp(let t): return Timestamps.format(t)
        case .date(let d): return Dates.format(d)
        }
    }

    /// A serialized partition value read back as `type` (nil or "" is null).
    public static func parse(_ s: String?, as type: DataType) -> Value {
        guard let s, !s.isEmpty else { return .null }
        if type == .timestamp {
            // Spark writes `yyyy-MM-dd HH:mm:ss[.ffffff]` (UTC); ISO-8601 parsing accepts the space.
            return Timestamps.parseISO8601(s).map { .timestamp($0) } ?? .null
        }
        return Value.string(s).cast(to: type) ?? .null
    }

    /// The relative directory of a partition, e.g. `date=2026-11-25` (values percent-escaped).
    public static func directory(columns: [String], values: [String: String?]) -> String {
        columns.map { c in
            let v = values[c] ?? nil
            return escapePathComponent(c) + "=" + (v.map(escapePathComponent) ?? nullDirectoryValue)
        }.joined(separator: "/")
    }

    /// Percent-escapes every byte outside `[A-Za-z0-9._-]` (so `%`, `/`, `:`, `=`, space and
    /// non-ASCII never reach a directory name unescaped).
    static func escapePathComponent(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if isUnreserved(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + hex(b)
            }
        }
        return out
    }

    /// A relative file path as a URI path (`add.path`): `%` and anything outside the
    /// unreserved set (plus `/` and `=`) is percent-encoded.
    public static func uriEncode(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            if isUnreserved(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: "=") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + hex(b)
            }
        }
        return out
    }

    /// Decodes `%XX` escapes once (what readers do to `add.path`). Invalid escapes stay as they are.
    public static func uriDecode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
