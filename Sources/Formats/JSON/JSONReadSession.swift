/// The mutable state of one `JSONLinesReader.read` call.
struct JSONReadSession {
    var assembler: RowAssembler
    var scanner: JSONLineScanner
    var decoder: JSONRowDecoder
    let maxLineBytes: Int

    mutating func consume(_ event: LineEvent) throws {
        switch event {
        case .line(let line, let number):
            try parse(line, number)
        case .overlong(let prefix, let number):
            try assembler.rejectOverlong(line: number, prefix: prefix, maxLineBytes: maxLineBytes)
        }
    }

    @inline(__always)
    private mutating func parse(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        do {
            try scanner.scan(line)
        } catch {
            if JSONTokens.skipWhitespace(line, 0) == line.count { return }
            if try assembler.reject(line: number, reason: error.description, text: line) {
                assembler.appendNullRow(corruptText: line)
            }
            return
        }
        if let reason = decoder.convert(line, scanner.slots, generation: scanner.generation) {
            guard try assembler.reject(line: number, reason: reason, text: line) else { return }
            decoder.append(line, scanner.slots, into: &assembler.builders)
            assembler.endRow(corruptText: line)
        } else {
            decoder.append(line, scanner.slots, into: &assembler.builders)
            assembler.endRow(corruptText: nil)
        }
    }
}
