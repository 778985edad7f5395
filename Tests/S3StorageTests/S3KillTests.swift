import AWSTestSupport
import Foundation
import S3Storage
import SQLTestSupport
import Testing

@testable import Streaming

/// A query process with its input, Delta table and checkpoint on S3 (moto), SIGKILLed at
/// random moments and inside the batch's steps and restarted each time: every row lands once.
@Suite(.motoServer, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3KillTests {
    @Test func killedAndRestartedQueryOnS3WritesEveryRowExactlyOnce() throws {
        let bucket = try S3Bucket()
        let files = 8
        for f in 0..<files {
            let text = (f * 50..<(f * 50 + 50)).map { #"{"id":\#($0),"user":"u\#($0 % 7)"}"# }.joined(separator: "\n") + "\n"
            try bucket.storage.writeAtomically(bucket.uri(String(format: "in/f%03d.jsonl", f)), Array(text.utf8), role: .restricted)
        }
        let dir = LocalDir()
        var harness = KillHarness(
            executable: BuiltProducts.path("sluice-s3-torture"),
            arguments: ["--input", bucket.uri("in"), "--table", bucket.uri("t"), "--checkpoint", bucket.uri("cp"),
                        "--endpoint", "http://127.0.0.1:\(try Moto.current.port)", "--region", "us-east-1"],
            tracePath: dir.sub("trace"))
        harness.environment = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
        let phases = ["offsets-write", "sink-data-files", "sink-log-commit", "commits-write"]
        let landed = try harness.run(kills: 10, seed: 0x53_33, phases: phases)
        for phase in phases { #expect(landed.contains(phase), "no kill landed in \(phase): \(landed)") }

        #expect(try deltaIds(bucket.uri("t")) == (0..<(files * 50)).map(Int64.init))
        #expect(try DeltaRs.read(bucket.uri("t")).ids == (0..<(files * 50)).map(Int64.init))
        #expect(try CheckpointInspector(bucket.uri("cp")).status().lastCommittedBatch == Int64(files - 1))
    }
}
