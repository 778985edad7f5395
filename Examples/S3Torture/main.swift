// A query with everything on S3, for the S3 storage kill test: the test SIGKILLs it at random
// moments and inside the batch's steps, restarts it, and checks that the table holds every
// input row exactly once.
//
//   sluice-s3-torture --input s3://BUCKET/in --table s3://BUCKET/t --checkpoint s3://BUCKET/cp \
//       [--endpoint http://127.0.0.1:PORT] [--region REGION]
//
// Input: JSON lines with `id` (int64) and `user` (string), one file per micro-batch
// (availableNow). Credentials come from the environment.
import Foundation
import S3Storage
import Streaming

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

do {
    guard let input = argument("input"), let table = argument("table"), let checkpoint = argument("checkpoint") else {
        fail("usage: sluice-s3-torture --input URI --table URI --checkpoint URI [--endpoint URL] [--region REGION]")
    }
    try S3Storage.installIfNeeded(for: [input, table, checkpoint], endpoint: argument("endpoint"), region: argument("region"))
    let schema = Schema([Field("id", .int64), Field("user", .string)])
    try StreamingSession().readStream.format(.jsonLines).schema(schema).option(.maxFilesPerTrigger(1)).load(input)
        .writeStream.format(.delta(table)).checkpointLocation(checkpoint).trigger(.availableNow)
        .start().awaitTermination()
} catch {
    fail("sluice-s3-torture: \(error)")
}
