/// An element of the small XML documents S3 answers with: a name (namespace prefix dropped),
/// child elements and the element's own text. Attributes are not kept: S3's responses carry
/// their data in elements.
struct XMLNode: Sendable {
    var name: String
    var children: [XMLNode] = []
    var text: String = ""

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    /// The text of the first child called `name`.
    func string(_ name: String) -> String? { child(name)?.text }
}

/// Parses a document into its root element: a plain recursive descent that handles the XML
/// declaration, comments, CDATA, self-closing tags and the predefined and numeric character
/// references (XML 1.0 §4.6), and rejects anything malformed with the byte offset.
struct XMLParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: [UInt8]
    private var i = 0

    static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        var p = XMLParser(bytes: bytes)
        p.skipMisc()
        guard p.peek(0) == UInt8(ascii: "<") else { throw p.fail("expected the root element") }
        let root = try p.element(depth: 0)
        p.skipMisc()
        guard p.i == bytes.count else { throw p.fail("content after the root element") }
        return root
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func peek(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }

    private func starts(with s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<i + u.count]) == u
    }

    private func fail(_ what: String) -> Failure { Failure(description: "XML at byte \(i): \(what)") }

    private mutating func skip(past s: String) throws {
        let u = Array(s.utf8)
        while i + u.count <= bytes.count {
            if Array(bytes[i..<i + u.count]) == u {
                i += u.count
                return
            }
            i += 1
        }
        throw fail("missing '\(s)'")
    }

    /// Whitespace, the declaration, processing instructions, comments and a DOCTYPE.
    private mutating func skipMisc() {
        while i < bytes.count {
            if isSpace(bytes[i]) {
                i += 1
            } else if starts(with: "<?") {
                guard (try? skip(past: "?>")) != nil else { return }
            } else if starts(with: "<!--") {
                guard (try? skip(past: "-->")) != nil else { return }
            } else if starts(with: "<!DOCTYPE") {
                guard (try? skip(past: ">")) != nil else { return }
            } else {
                return
            }
        }
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d }

    private mutating func name() throws -> String {
        let start = i
        while let b = peek(0), !isSpace(b), b != UInt8(ascii: ">"), b != UInt8(ascii: "/"), b != UInt8(ascii: "=") { i += 1 }
        guard i > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func element(depth: Int) throws -> XMLNode {
        guard depth < 64 else { throw fail("elements nested too deep") }
        i += 1  // <
        let qualified = try name()
        var node = XMLNode(name: Self.local(qualified))
        // Attributes: skipped, honouring quotes so a '>' inside a value does not end the tag.
        while true {
            guard let b = peek(0) else { throw fail("unterminated tag <\(qualified)>") }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                while let c = peek(0), c != b { i += 1 }
                guard peek(0) != nil else { throw fail("unterminated attribute value") }
                i += 1
            } else if b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: ">") {
                i += 2
                return node
            } else if b == UInt8(ascii: ">") {
                i += 1
                break
            } else {
                i += 1
            }
        }
        var text = [UInt8]()
        while true {
            guard let b = peek(0) else { throw fail("<\(qualified)> is not closed") }
            if b != UInt8(ascii: "<") {
                if b == UInt8(ascii: "&") { try reference(into: &text) } else { text.append(b); i += 1 }
            } else if starts(with: "</") {
                i += 2
                let closing = try name()
                while let c = peek(0), isSpace(c) { i += 1 }
                guard closing == qualified, peek(0) == UInt8(ascii: ">") else {
                    throw fail("</\(closing)> does not close <\(qualified)>")
                }
                i += 1
                node.text = String(decoding: text, as: UTF8.self)
                return node
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                i += 9
                let start = i
                try skip(past: "]]>")
                text += bytes[start..<(i - 3)]
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else {
                node.children.append(try element(depth: depth + 1))
            }
        }
    }

    private mutating func reference(into out: inout [UInt8]) throws {
        let start = i
        while let b = peek(0), b != UInt8(ascii: ";"), i - start < 12 { i += 1 }
        guard peek(0) == UInt8(ascii: ";") else { throw fail("unterminated character reference") }
        let ref = String(decoding: bytes[(start + 1)..<i], as: UTF8.self)
        i += 1
        switch ref {
        case "amp": out.append(UInt8(ascii: "&"))
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            let scalar: UInt32?
            if ref.hasPrefix("#x") || ref.hasPrefix("#X") {
                scalar = UInt32(ref.dropFirst(2), radix: 16)
            } else if ref.hasPrefix("#") {
                scalar = UInt32(ref.dropFirst(), radix: 10)
            } else {
                scalar = nil
            }
            guard let scalar, let u = Unicode.Scalar(scalar) else { throw fail("unknown character reference &\(ref);") }
            out += Array(String(Character(u)).utf8)
        }
    }

    private static func local(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }
}

/// Escapes text for an XML element body (request documents: multipart completion, batch delete).
func xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\r": out += "&#13;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
