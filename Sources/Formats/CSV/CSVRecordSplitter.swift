#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One field of a CSV record, as a byte range of the record.
struct CSVField {
    /// The field's bytes; for a quoted field, between the quotes.
    var start: Int
    var end: Int
    var quoted: Bool
    /// Quoted and contains `""`, which stands for one quote.
    var doubledQuotes: Bool

    var isEmpty: Bool { start == end }
}

/// Why a CSV record could not be split into fields.
struct CSVSyntaxError: Error, CustomStringConvertible {
    let description: String
}

/// Splits one CSV record into fields (RFC 4180: a quoted field may hold delimiters, newlines
/// and `""`), without copying.
struct CSVRecordSplitter {
    let delimiter: UInt8
    let quote: UInt8
    private(set) var fields: [CSVField] = []

    init(delimiter: UInt8, quote: UInt8) {
        self.delimiter = delimiter
        self.quote = quote
    }

    mutating func split(_ s: UnsafeBufferPointer<UInt8>) throws(CSVSyntaxError) {
        fields.removeAll(keepingCapacity: true)
        let n = s.count
        var i = 0
        while true {
            if i < n, s[i] == quote {
                let start = i + 1
                var j = start
                var doubled = false
                while true {
                    guard let q = find(quote, s, from: j) else {
                        throw CSVSyntaxError(description: "unterminated quoted field at byte \(i + 1)")
                    }
                    if q + 1 < n, s[q + 1] == quote {
                        doubled = true
                        j = q + 2
                        continue
                    }
                    fields.append(CSVField(start: start, end: q, quoted: true, doubledQuotes: doubled))
                    i = q + 1
                    break
                }
                if i < n, s[i] != delimiter {
                    throw CSVSyntaxError(description: "unexpected character after a closing quote at byte \(i + 1)")
                }
            } else {
                let end = find(delimiter, s, from: i) ?? n
                fields.append(CSVField(start: i, end: end, quoted: false, doubledQuotes: false))
                i = end
            }
            if i == n { return }
            i += 1  // past the delimiter; a record ending in one has a last, empty field
        }
    }

    @inline(__always)
    private func find(_ byte: UInt8, _ s: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < s.count, let base = s.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), s.count - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// Appends the text of `field` to `out`, turning `""` into `"`.
    func appendText(of field: CSVField, in s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = field.start
        while i < field.end {
            out.append(s[i])
            i += s[i] == quote && field.doubledQuotes ? 2 : 1
        }
    }
}
