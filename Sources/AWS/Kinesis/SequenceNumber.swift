/// A Kinesis sequence number: a decimal integer of up to 128 bits, sent as a string. Compared as
/// a number: real ones are ~56 digits, moto's are small integers, and comparing decimal strings
/// of different lengths as text would put "10" before "9".
public struct SequenceNumber: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Digits only, without leading zeros ("0" for zero).
    public let digits: String

    /// Nil unless `text` is a non-empty run of ASCII digits.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let trimmed = text.drop { $0 == "0" }
        digits = trimmed.isEmpty ? "0" : String(trimmed)
    }

    public static func < (a: SequenceNumber, b: SequenceNumber) -> Bool {
        a.digits.utf8.count != b.digits.utf8.count
            ? a.digits.utf8.count < b.digits.utf8.count
            : a.digits.utf8.lexicographicallyPrecedes(b.digits.utf8)
    }

    public var description: String { digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let n = SequenceNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a sequence number: '\(text)'"))
        }
        self = n
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(digits)
    }
}
