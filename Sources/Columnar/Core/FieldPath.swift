/// How a schema field name or a `col(...)` name is read, with Spark's quoting: dots separate the
/// keys of a nested path (`context.customer` is key `customer` of the object under `context`),
/// and a part in backquotes is one key taken literally, dots included (`` `service.name` `` is
/// the top-level key `service.name`; ```` `` ```` inside backquotes is one backquote).
///
/// Columns are flat in Sluice: the column read from either form is named by its keys joined
/// with dots, so `` `service.name` `` gives the column `service.name`, as in Spark.
public enum FieldPath {
    /// The keys `name` names, outermost first. A name without backquotes is split at every dot
    /// (empty parts included); an unterminated backquote runs to the end of the name (`parse`
    /// reports it as an error).
    public static func keys(_ name: String) -> [String] {
        if !name.utf8.contains(backquote) { return name.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        return scan(name).keys
    }

    /// The keys of `name`, or an error saying what is wrong with its quoting: an unterminated
    /// backquote, or a quoted part followed by something other than a dot.
    public static func parse(_ name: String) throws -> [String] {
        let result = scan(name)
        if let problem = result.problem {
            throw ColumnarError.invalidArgument("field name \(name): \(problem); quote a key with dots as `a.b` (a backquote inside as ``)")
        }
        return result.keys
    }

    /// The name of the column `name` refers to: its keys joined with dots. Names without
    /// backquotes are returned unchanged.
    public static func columnName(_ name: String) -> String {
        if !name.utf8.contains(backquote) { return name }
        return keys(name).joined(separator: ".")
    }

    private static let backquote = UInt8(ascii: "`")

    private static func scan(_ name: String) -> (keys: [String], problem: String?) {
        var keys: [String] = []
        var current: [UInt8] = []
        var problem: String?
        let bytes = Array(name.utf8)
        var i = 0
        var quotedPart = false  // the current part was a quoted one, so only a dot may follow
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ".") {
                keys.append(String(decoding: current, as: UTF8.self))
                current.removeAll()
                quotedPart = false
                i += 1
            } else if b == backquote && current.isEmpty && !quotedPart {
                i += 1
                var closed = false
                while i < bytes.count {
                    if bytes[i] == backquote {
                        if i + 1 < bytes.count && bytes[i + 1] == backquote {
                            current.append(backquote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    current.append(bytes[i])
                    i += 1
                }
                if !closed && problem == nil { problem = "unterminated backquote" }
                quotedPart = true
            } else {
                if quotedPart && problem == nil { problem = "a quoted key must be followed by a dot or the end of the name" }
                current.append(b)
                i += 1
            }
        }
        keys.append(String(decoding: current, as: UTF8.self))
        return (keys, problem)
    }
}
