/// Why a line is not a well-formed JSON object, and where (0-based byte offset).
struct JSONSyntaxError: Error, CustomStringConvertible {
    enum Kind {
        case notAnObject, expectedKey, expectedColon, expectedValue, expectedCommaOrBrace, expectedCommaOrBracket
        case invalidNumber, invalidLiteral, unterminatedString, controlCharacter, invalidEscape, invalidUTF8
        case tooDeep, trailingCharacters
    }

    let kind: Kind
    let offset: Int

    init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    var description: String {
        let what: String
        switch kind {
        case .notAnObject: return "not a JSON object"
        case .invalidUTF8: return "invalid UTF-8 at byte \(offset + 1)"
        case .expectedKey: what = "expected a quoted key"
        case .expectedColon: what = "expected ':'"
        case .expectedValue: what = "expected a value"
        case .expectedCommaOrBrace: what = "expected ',' or '}'"
        case .expectedCommaOrBracket: what = "expected ',' or ']'"
        case .invalidNumber: what = "invalid number"
        case .invalidLiteral: what = "invalid literal"
        case .unterminatedString: what = "unterminated string"
        case .controlCharacter: what = "unescaped control character in string"
        case .invalidEscape: what = "invalid escape sequence"
        case .tooDeep: what = "nesting deeper than \(JSONLineScanner.maxDepth) levels"
        case .trailingCharacters: what = "unexpected characters after the object"
        }
        return "invalid JSON at byte \(offset + 1): \(what)"
    }
}
