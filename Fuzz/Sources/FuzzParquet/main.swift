// Any bytes opened as a Parquet file must read or throw, never crash.
import FuzzDriver
import Streaming

runFuzzer { data, size in
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let file = try? ParquetFile(bytes: bytes) {
        _ = try? file.read()
        for g in file.rowGroups.indices { _ = try? file.read(rowGroups: [g]) }
    }
    return 0
}
