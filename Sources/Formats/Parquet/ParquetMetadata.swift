// The subset of parquet.thrift (apache/parquet-format) this implementation reads and writes.
// Enum-typed fields that other writers may extend are kept as raw Int32 so that an unknown
// value only fails when it is actually needed.

enum PhysicalType: Int32, CustomStringConvertible {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7

    var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

enum Repetition: Int32 {
    case required = 0
    case optional = 1
    case repeated = 2
}

enum ConvertedType {
    static let utf8: Int32 = 0
    static let map: Int32 = 1
    static let mapKeyValue: Int32 = 2
    static let list: Int32 = 3
    static let enumType: Int32 = 4
    static let decimal: Int32 = 5
    static let date: Int32 = 6
    static let timeMillis: Int32 = 7
    static let timeMicros: Int32 = 8
    static let timestampMillis: Int32 = 9
    static let timestampMicros: Int32 = 10
    static let uint8: Int32 = 11
    static let uint16: Int32 = 12
    static let uint32: Int32 = 13
    static let uint64: Int32 = 14
    static let int8: Int32 = 15
    static let int16: Int32 = 16
    static let int32: Int32 = 17
    static let int64: Int32 = 18
    static let json: Int32 = 19
    static let bson: Int32 = 20
    static let interval: Int32 = 21
}

enum Encoding {
    static let plain: Int32 = 0
    static let plainDictionary: Int32 = 2
    static let rle: Int32 = 3
    static let bitPacked: Int32 = 4
    static let deltaBinaryPacked: Int32 = 5
    static let deltaLengthByteArray: Int32 = 6
    static let deltaByteArray: Int32 = 7
    static let rleDictionary: Int32 = 8
    static let byteStreamSplit: Int32 = 9

    static func name(_ e: Int32) -> String {
        switch e {
        case plain: return "PLAIN"
        case plainDictionary: return "PLAIN_DICTIONARY"
        case rle: return "RLE"
        case bitPacked: return "BIT_PACKED"
        case deltaBinaryPacked: return "DELTA_BINARY_PACKED"
        case deltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY"
        case deltaByteArray: return "DELTA_BYTE_ARRAY"
        case rleDictionary: return "RLE_DICTIONARY"
        case byteStreamSplit: return "BYTE_STREAM_SPLIT"
        default: return "encoding \(e)"
        }
    }
}

enum CompressionCodec {
    static let uncompressed: Int32 = 0
    static let snappy: Int32 = 1
    static let gzip: Int32 = 2
    static let lzo: Int32 = 3
    static let brotli: Int32 = 4
    static let lz4: Int32 = 5
    static let zstd: Int32 = 6
    static let lz4Raw: Int32 = 7

    static func name(_ c: Int32) -> String {
        switch c {
        case uncompressed: return "UNCOMPRESSED"
        case snappy: return "SNAPPY"
        case gzip: return "GZIP"
        case lzo: return "LZO"
        case brotli: return "BROTLI"
        case lz4: return "LZ4"
        case zstd: return "ZSTD"
        case lz4Raw: return "LZ4_RAW"
        default: return "codec \(c)"
        }
    }
}

enum PageType {
    static let dataPage: Int32 = 0
    static let indexPage: Int32 = 1
    static let dictionaryPage: Int32 = 2
    static let dataPageV2: Int32 = 3
}

enum TimeUnit: Equatable {
    case millis, micros, nanos
}

/// The LogicalType union; annotations this implementation never interprets are `.other(id)`.
enum LogicalType: Equatable {
    case string
    case map
    case list
    case enumType
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(utc: Bool, unit: TimeUnit?)
    case timestamp(utc: Bool, unit: TimeUnit?)
    case integer(bitWidth: Int8, signed: Bool)
    case unknown
    case json
    case bson
    case uuid
    case float16
    case other(Int)
}

struct SchemaElement {
    var type: PhysicalType?
    var rawType: Int32?
    var typeLength: Int32?
    var repetition: Repetition?
    var name = ""
    var numChildren: Int32?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?
    var fieldID: Int32?
    var logicalType: LogicalType?
}

struct Statistics {
    var max: [UInt8]?
    var min: [UInt8]?
    var nullCount: Int64?
    var distinctCount: Int64?
    var maxValue: [UInt8]?
    var minValue: [UInt8]?
    var isMaxValueExact: Bool?
    var isMinValueExact: Bool?
}

struct ColumnMetaData {
    var type: Int32 = 0
    var encodings: [Int32] = []
    var pathInSchema: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var indexPageOffset: Int64?
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?
}

struct ColumnChunk {
    var filePath: String?
    var fileOffset: Int64 = 0
    var metaData: ColumnMetaData?
    // Encrypted columns carry crypto metadata instead of readable meta_data.
    var isEncrypted = false
}

struct RowGroup {
    var columns: [ColumnChunk] = []
    var totalByteSize: Int64 = 0
    var numRows: Int64 = 0
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?
}

/// One entry of `column_orders`: only TYPE_ORDER (field 1) is defined.
enum ColumnOrder: Equatable {
    case typeDefined
    case unknown
}

struct FileMetaData {
    var version: Int32 = 1
    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroup] = []
    var createdBy: String?
    var columnOrders: [ColumnOrder]?
    var isEncrypted = false
}

struct DataPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = Encoding.rle
    var repetitionLevelEncoding: Int32 = Encoding.rle
}

struct DictionaryPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = Encoding.plain
    var isSorted: Bool?
}

struct DataPageHeaderV2 {
    var numValues: Int32 = 0
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true
}

struct PageHeader {
    var type: Int32 = 0
    var uncompressedPageSize: Int32 = 0
    var compressedPageSize: Int32 = 0
    var crc: Int32?
    var dataPageHeader: DataPageHeader?
    var dictionaryPageHeader: DictionaryPageHeader?
    var dataPageHeaderV2: DataPageHeaderV2?
}
