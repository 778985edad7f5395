// Any bytes as a Delta log commit must parse or throw, never crash.
import FuzzDriver
import Streaming

runFuzzer { data, size in
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? DeltaAction.parseCommit(text, file: "fuzz")
    return 0
}
