import Columnar
import Testing

@testable import Formats

@Suite struct ParquetEncodingTests {
    static func decodeRLE(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
        try bytes.withUnsafeBytes { buf in
            var c = ByteCursor(buf)
            var out: [UInt32] = []
            try RLEHybrid.decode(&c, bitWidth: bitWidth, count: count, into: &out)
            return out
        }
    }

    @Test func rleReferenceExamples() throws {
        // The RLE / bit-packing hybrid of the Parquet format's Encodings.md.
        var out: [UInt8] = []
        RLEHybrid.encode([UInt8](repeating: 1, count: 1000), bitWidth: 1, into: &out)
        #expect(out == [0xd0, 0x0f, 0x01])
        let pattern: [UInt32] = [1, 0, 1, 1, 1, 1, 1, 1, 1, 1]
        #expect(try Self.decodeRLE([0x05, 0xfd, 0x03], bitWidth: 1, count: 10) == pattern)
        #expect(try Self.decodeRLE([0x02, 0x01, 0x02, 0x00, 0x10, 0x01], bitWidth: 1, count: 10) == pattern)
    }

    @Test func rleRoundTripsManyShapes() throws {
        var r = ParquetTestRandom(42)
        for width in [0, 1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 24, 31, 32] {
            for shape in 0..<4 {
                let n = [1, 7, 8, 9, 100, 1000, 5003][r.int(7)]
                let maxValue: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
                var values: [UInt32] = []
                while values.count < n {
                    let v = UInt32(truncatingIfNeeded: maxValue == 0 ? 0 : r.next() % (maxValue + 1))
                    let run = shape == 0 ? 1 : shape == 1 ? r.int(20) + 1 : shape == 2 ? 8 : r.int(3) + 7
                    values += repeatElement(v, count: min(run, n - values.count))
                }
                var bytes: [UInt8] = []
                RLEHybrid.encode(values, bitWidth: width, into: &bytes)
                #expect(try Self.decodeRLE(bytes, bitWidth: width, count: n) == values, "width \(width) shape \(shape) n \(n)")
            }
        }
    }

    @Test func rleRejectsShortData() {
        #expect(throws: ParquetError.self) { try Self.decodeRLE([0x05, 0xfd], bitWidth: 8, count: 16) }
        #expect(throws: ParquetError.self) { try Self.decodeRLE([0x10, 0x01], bitWidth: 1, count: 9) }
        #expect(throws: ParquetError.self) { try Self.decodeRLE([0x10, 0x05], bitWidth: 2, count: 3) }  // value wider than 2 bits
    }

    @Test func plainBooleansAndByteArrays() throws {
        var out: [UInt8] = []
        PlainEncoder.append([true, false, true, true, false, false, false, false, true], to: &out)
        #expect(out == [0b0000_1101, 0b0000_0001])
        let decoded = try out.withUnsafeBytes { try PlainDecoder.decode($0, count: 9, as: .bool) }
        guard case .bools(let b) = decoded else { Issue.record("not bools"); return }
        #expect(b == [true, false, true, true, false, false, false, false, true])

        var bytes: [UInt8] = []
        for s in ["", "héllo", "x"] { Array(s.utf8).withUnsafeBufferPointer { PlainEncoder.appendByteArray($0, to: &bytes) } }
        #expect(Array(bytes.prefix(4)) == [0, 0, 0, 0])
        let strings = try bytes.withUnsafeBytes { try PlainDecoder.decode($0, count: 3, as: .byteArrayString) }
        guard case .strings(let s) = strings else { Issue.record("not strings"); return }
        #expect((0..<3).map { s[$0] } == ["", "héllo", "x"])
        #expect(throws: ParquetError.self) { try bytes.withUnsafeBytes { try PlainDecoder.decode($0, count: 4, as: .byteArrayString) } }
    }

    @Test func int96AndTimestampUnits() throws {
        // 1970-01-02T00:00:01.5 as INT96: nanos of day then Julian day 2440589.
        var b: [UInt8] = []
        b.appendLittleEndian(UInt64(1_500_000_000))
        b.appendLittleEndian(UInt32(2_440_589))
        let v = try b.withUnsafeBytes { try PlainDecoder.decode($0, count: 1, as: .int96Timestamp) }
        guard case .int64s(let t) = v else { Issue.record("not int64s"); return }
        #expect(t == [86_400_000_000 + 1_500_000])
        var n: [UInt8] = []
        n.appendLittleEndian(Int64(-1_500))  // -1.5 µs in nanoseconds floors to -2 µs
        let nanos = try n.withUnsafeBytes { try PlainDecoder.decode($0, count: 1, as: .int64Timestamp(.nanos)) }
        guard case .int64s(let u) = nanos else { Issue.record("not int64s"); return }
        #expect(u == [-2])
    }

    @Test func dictionaryIndexesDistinctValues() {
        var d = ByteArrayDictionary(capacity: 2)
        var indices: [Int] = []
        for k in 0..<10_000 {
            let s = Array("value-\(k % 777)".utf8)
            indices.append(s.withUnsafeBufferPointer { d.index(of: $0).index })
        }
        #expect(d.count == 777)
        #expect(indices[0] == indices[777])
        #expect(Set(indices).count == 777)
        #expect(d.withEntry(5) { String(decoding: $0, as: UTF8.self) } == "value-5")
        let empty = [UInt8]()
        let e1 = empty.withUnsafeBufferPointer { d.index(of: $0) }
        let e2 = empty.withUnsafeBufferPointer { d.index(of: $0) }
        #expect(e1.inserted && !e2.inserted && e1.index == e2.index)
    }

    @Test func deltaBinaryPackedSpecExample() throws {
        // Encodings.md example 1: values 1..5 -> block 128, 4 miniblocks, 5 values, first 1,
        // min delta 1, widths 0: all deltas equal.
        var bytes: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00]
        let values = try bytes.withUnsafeBytes { buf in
            var c = ByteCursor(buf)
            return try DeltaDecoder.binaryPacked(&c, count: 5)
        }
        #expect(values == [1, 2, 3, 4, 5])
        // Example 2: 7, 5, 3, 1, 2, 3, 4, 5 -> min delta -2, relative deltas 0,0,0,3,3,3,3 in
        // a 2-bit miniblock of 32 values (8 bytes, LSB first).
        bytes = [0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00]
        bytes += [0b1100_0000, 0b0011_1111] + [UInt8](repeating: 0, count: 6)
        let second = try bytes.withUnsafeBytes { buf in
            var c = ByteCursor(buf)
            return try DeltaDecoder.binaryPacked(&c, count: 8)
        }
        #expect(second == [7, 5, 3, 1, 2, 3, 4, 5])
    }
}
