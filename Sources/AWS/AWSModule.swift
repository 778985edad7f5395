// The AWS module: S3 and Kinesis clients for issue 13 ("Read the bus, write the object store").
// It depends on nothing of Sluice (only swift-crypto), so the engine builds without it.
//
// Layers: `SigV4Signer` signs; `ServiceCore` sends an `AWSCall` (a value: request + decoder)
// through an `HTTPTransport` (URLSession by default) and retries throttling, 5xx and transport
// failures with jittered exponential backoff (`RetryPolicy`); `S3Client` and `KinesisClient`
// build the calls. Failures are `AWSError`s with a `kind` to switch on.
//
// Shaped for the engine's later wiring (docs/ARCHITECTURE.md, "AWS clients"):
// - an `ObjectStore` over local files and S3 maps get / get range / put / put-if-absent /
//   list with start-after / delete onto `getObject(range:)`, `putObject(condition: .ifAbsent)`
//   (`AWSError.Kind.alreadyExists` on a lost race), `listObjects(startAfter:)`, `deleteObject(s)`,
//   with bodies as `[UInt8]` and ranges as `Range<Int64>` like `FileSystem.read(_:range:)`;
//   large Parquet files go through `putObjectMultipart`;
// - a Kinesis `StreamSource` keeps per shard the last (sequence number, sub-sequence number)
//   read, lists shards with `listShards`, reads those `readableShards(_:finished:)` allows
//   (parents to their end before children), resumes with `.afterSequenceNumber`, splits KPL
//   aggregates with `KPLAggregation.deaggregate`, and gets a fresh iterator on
//   `.expiredIterator`.
// Every call is synchronous (the engine calls from a query's own thread) with an async twin.
