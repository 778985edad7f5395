import AWSTestSupport
import Foundation
import Testing

/// Reads the raw table `sluice ingest` wrote, with pyarrow, in commit order: the rows of each
/// version's added files in file and row order, so a test can check the order records landed in.
enum RawTableReader {
    struct Row: Hashable {
        var version: Int
        var data: String
        var partitionKey: String?
        var shardId: String?
        var sequenceNumber: String?
        var arrivalMicros: Int64?
        var date: String
    }

    static let script = """
        import json, os, sys
        import pyarrow.parquet as pq
        root = sys.argv[1]
        log = os.path.join(root, "_delta_log")
        rows = []
        for name in sorted(n for n in os.listdir(log) if n.endswith(".json")):
            version = int(name[:-5])
            for line in open(os.path.join(log, name)):
                action = json.loads(line)
                if "add" not in action: continue
                add = action["add"]
                table = pq.read_table(os.path.join(root, add["path"]))
                date = add["partitionValues"]["date"]
                for r in table.to_pylist():
                    t = r["arrival_time"]
                    micros = None if t is None else int(t.timestamp() * 1_000_000) if hasattr(t, "timestamp") else t
                    rows.append([version, r["data"], r["partition_key"], r["shard_id"], r["sequence_number"], micros, date])
        print(json.dumps(rows))
        """

    static func rows(_ table: String) throws -> [Row] {
        let (status, output) = try PythonTools.run(script, [table])
        try #require(status == 0, "reading \(table) failed:\n\(output)")
        let json = try JSONSerialization.jsonObject(with: Data(output.split(separator: "\n").last!.utf8)) as! [[Any]]
        return json.map { r in
            Row(
                version: r[0] as! Int, data: r[1] as! String, partitionKey: r[2] as? String, shardId: r[3] as? String,
                sequenceNumber: r[4] as? String, arrivalMicros: (r[5] as? NSNumber)?.int64Value, date: r[6] as! String)
        }
    }
}
