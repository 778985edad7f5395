// Any bytes fed to the JSON-lines reader must produce rows or bad records, never a crash.
import FuzzDriver
import Streaming

let schema = Schema([
    Field("s", .string), Field("i", .int64), Field("d", .double), Field("b", .bool), Field("t", .timestamp),
    Field("day", .date), Field("n.x", .string),
])
let permissive = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .permissive, maxLineBytes: 4096, chunkBytes: 64))
let strict = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .failFast, corruptRecordColumn: nil))

runFuzzer { data, size in
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? permissive.read(bytes: bytes, path: "fuzz")
    _ = try? strict.read(bytes: bytes, path: "fuzz")
    return 0
}
