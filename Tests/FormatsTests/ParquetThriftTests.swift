import Columnar
import Foundation
import Testing

@testable import Formats

@Suite struct ParquetThriftTests {
    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined(separator: " ") }

    @Test func pageHeaderMatchesReferenceBytes() {
        // A v1 page header in Thrift compact protocol (parquet.thrift `PageHeader`): DATA_PAGE, 16 bytes, 2 values, PLAIN/RLE/RLE.
        var h = PageHeader()
        h.type = PageType.dataPage
        h.uncompressedPageSize = 16
        h.compressedPageSize = 16
        h.dataPageHeader = DataPageHeader(numValues: 2, encoding: 0, definitionLevelEncoding: 3, repetitionLevelEncoding: 3)
        #expect(Self.hex(h.serialized()) == "15 00 15 20 15 20 2c 15 04 15 00 15 06 15 06 00 00")
    }

    @Test func timestampSchemaElementMatchesReferenceBytes() {
        let e = ParquetSchemaWriter.element(for: .init("ts", .timestamp))
        var w = ThriftCompactWriter()
        w.structValue { e.encodeFields(&$0) }
        #expect(Self.hex(w.bytes) == "15 04 25 02 18 02 74 73 25 14 4c 8c 11 1c 2c 00 00 00 00 00")
    }

    @Test func stringAndDateElementsMatchReferenceBytes() {
        for (field, expected) in [
            (Field("user", .string), "15 0c 25 02 18 04 75 73 65 72 25 00 4c 1c 00 00 00"),
            (Field("d", .date), "15 02 25 02 18 01 64 25 0c 4c 6c 00 00 00"),
        ] {
            var w = ThriftCompactWriter()
            w.structValue { ParquetSchemaWriter.element(for: field).encodeFields(&$0) }
            #expect(Self.hex(w.bytes) == expected)
        }
    }

    @Test func zigzagAndVarints() {
        var w = ThriftCompactWriter()
        w.zigzag(-1)
        w.zigzag(1)
        w.zigzag(300)
        w.varint(300)
        #expect(w.bytes == [0x01, 0x02, 0xd8, 0x04, 0xac, 0x02])
        w.bytes.withUnsafeBytes { buf in
            var c = ByteCursor(buf)
            #expect(try! c.readZigZag() == -1)
            #expect(try! c.readZigZag() == 1)
            #expect(try! c.readZigZag() == 300)
            #expect(try! c.readVarUInt() == 300)
        }
    }

    @Test func longFieldHeadersAndUnknownFieldsAreSkipped() throws {
        // A struct with: field 1 i32 7, unknown field 40 (long header) holding a nested struct
        // with a list and a map, unknown field 41 binary, then field 60 i64 (long form again).
        var w = ThriftCompactWriter()
        w.structValue { w in
            w.i32(1, 7)
            w.structField(40) { w in
                w.listField(1, .binary, count: 20) { w in for k in 0..<20 { w.stringElement("x\(k)") } }
                w.bool(2, true)
                w.structField(3) { $0.i64(1, -5) }
            }
            w.binary(41, [1, 2, 3])
            w.i64(60, 123_456_789_012)
        }
        // The writer has no map support, so append a map field by hand in place of the stop
        // byte: long-form header for id 42, 2 entries i32 -> binary {1: "a", 2: "b"}, stop.
        var bytes = w.bytes
        bytes.removeLast()
        bytes += [0x0b, 0x54, 0x02, 0x58, 0x02, 0x01, 0x61, 0x04, 0x01, 0x62, 0x00]
        var seen: [Int: Int64] = [:]
        try bytes.withUnsafeBytes { buf in
            var r = ThriftCompactReader(ByteCursor(buf))
            try r.readStruct { r, id, t in
                switch id {
                case 1: seen[1] = Int64(try r.readI32(t))
                case 60: seen[60] = try r.readI64(t)
                default: try r.skip(t)
                }
            }
            #expect(r.cursor.isAtEnd)
        }
        #expect(seen == [1: 7, 60: 123_456_789_012])
    }

    @Test func nestedStructRestoresParentFieldIDs() throws {
        var meta = FileMetaData()
        meta.schema = ParquetSchemaWriter.elements(for: ParquetFixtures.allTypes)
        meta.numRows = 3
        meta.createdBy = "sluice version 0.1.0"
        meta.columnOrders = Array(repeating: .typeDefined, count: ParquetFixtures.allTypes.count)
        let bytes = meta.serialized()
        let decoded = try bytes.withUnsafeBytes { buf in
            var r = ThriftCompactReader(ByteCursor(buf))
            return try FileMetaData.decode(&r)
        }
        #expect(decoded.numRows == 3)
        #expect(decoded.createdBy == "sluice version 0.1.0")
        #expect(decoded.schema.count == ParquetFixtures.allTypes.count + 1)
        #expect(decoded.schema[5].logicalType == .timestamp(utc: true, unit: .micros))
        #expect(decoded.schema[0].numChildren == Int32(ParquetFixtures.allTypes.count))
        #expect(decoded.columnOrders == Array(repeating: .typeDefined, count: ParquetFixtures.allTypes.count))
    }

    @Test func hostileInputsThrow() {
        let cases: [[UInt8]] = [
            [],  // nothing
            [0x15],  // header without value
            [0x19, 0xf5, 0xff, 0xff, 0xff, 0x0f],  // list claiming 2^32 elements
            [0x18, 0xff, 0xff, 0xff, 0xff, 0x0f],  // binary longer than the data
            [0x1d],  // invalid type 13
            Array(repeating: 0x1c, count: 200),  // structs nested 200 deep
            [0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],  // overlong varint
        ]
        for bytes in cases {
            #expect(throws: ParquetError.self) {
                try bytes.withUnsafeBytes { buf in
                    var r = ThriftCompactReader(ByteCursor(buf))
                    _ = try FileMetaData.decode(&r)
                }
            }
        }
    }
}
