import Columnar
import Testing

@testable import Formats

/// Corrupt inputs must throw `ParquetError`, never trap or hang.
@Suite struct ParquetCorruptionTests {
    static func sample(_ options: ParquetWriterOptions) throws -> [UInt8] {
        let batch = ParquetFixtures.allTypesBatch(rows: 150, seed: 3, nullEvery: 4)
        return try ParquetFixtures.write([batch], schema: ParquetFixtures.allTypes, options: options).bytes
    }

    static let samples: [(String, ParquetWriterOptions)] = [
        ("uncompressed plain", ParquetWriterOptions(compression: .uncompressed, dictionary: false, dataPageRowLimit: 40)),
        ("uncompressed dictionary", ParquetWriterOptions(compression: .uncompressed, dataPageRowLimit: 64, rowGroupRowLimit: 100)),
        ("zstd", ParquetWriterOptions(compression: .zstd)),
        ("snappy", ParquetWriterOptions(compression: .snappy, rowGroupRowLimit: 70)),
    ]

    /// Opens and fully reads `bytes`; returns false if something other than a ParquetError escaped.
    static func survives(_ bytes: [UInt8]) -> Bool {
        do {
            let file = try ParquetFile(bytes: bytes)
            _ = try file.read()
        } catch is ParquetError {
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return false
        }
        return true
    }

    @Test(arguments: 0..<4)
    func everyTruncationThrows(sample: Int) throws {
        let bytes = try Self.sample(Self.samples[sample].1)
        #expect(Self.survives(bytes))
        for n in 0..<bytes.count {
            let cut = Array(bytes.prefix(n))
            #expect(throws: ParquetError.self, "prefix of \(n) bytes") { _ = try ParquetFile(bytes: cut).read() }
        }
    }

    @Test(arguments: 0..<4)
    func randomMutationsNeverCrash(sample: Int) throws {
        let bytes = try Self.sample(Self.samples[sample].1)
        var r = ParquetTestRandom(UInt64(sample) * 7919 + 1)
        for _ in 0..<1500 {
            var m = bytes
            for _ in 0..<(1 + r.int(4)) {
                let at = r.int(m.count)
                switch r.int(4) {
                case 0: m[at] = UInt8(truncatingIfNeeded: r.next())
                case 1: m[at] ^= 1 << UInt8(r.int(8))
                case 2: m[at] = [0x00, 0xff, 0x7f, 0x80][r.int(4)]
                default: m[at] = m[at] &+ 1
                }
            }
            #expect(Self.survives(m))
        }
    }

    @Test func mutationsOfTheFooterNeverCrash() throws {
        let bytes = try Self.sample(Self.samples[1].1)
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let footerStart = bytes.count - 8 - footerLength
        var r = ParquetTestRandom(99)
        for at in footerStart..<(bytes.count - 8) {
            for _ in 0..<3 {
                var m = bytes
                m[at] = UInt8(truncatingIfNeeded: r.next())
                #expect(Self.survives(m))
            }
        }
    }

    @Test func malformedEnvelopes() throws {
        let bytes = try Self.sample(Self.samples[0].1)
        var badLength = bytes
        badLength.replaceSubrange((bytes.count - 8)..<(bytes.count - 4), with: [0xff, 0xff, 0xff, 0x7f])
        var badMagic = bytes
        badMagic[0] = UInt8(ascii: "X")
        var encrypted = bytes
        encrypted.replaceSubrange((bytes.count - 4)..., with: Array("PARE".utf8))
        for (m, kind) in [(badLength, ParquetError.Kind.corrupt), (badMagic, .corrupt), (encrypted, .unsupported), ([], .corrupt)] {
            do {
                _ = try ParquetFile(bytes: m)
                Issue.record("expected an error")
            } catch let e as ParquetError {
                #expect(e.kind == kind, "\(e)")
            }
        }
        #expect(throws: IOError.self) { try ParquetFile(path: "/nonexistent/file.parquet") }
    }
}
