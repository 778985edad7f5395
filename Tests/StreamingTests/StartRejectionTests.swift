import Foundation
import Testing

@testable import Streaming

/// What `start()` refuses, with Spark 4's error conditions and messages (Spark's
/// `UnsupportedOperationsSuite`, `error-conditions.json`). A refused query writes nothing.
@Suite struct StartRejectionTests {
    static let schema = Schema([Field("service", .string), Field("level", .string), Field("ts", .timestamp), Field("message", .string)])

    let dir = TempDir("rejections")

    func stream() throws -> DataStream {
        try FileSystem.createDirectory(dir.sub("in"))
        return try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in"))
    }

    /// The analysis error `start()` throws, and that it left no checkpoint behind.
    func refusal(_ mode: OutputMode = .append, _ build: (DataStream) -> DataStream) throws -> AnalysisError {
        let checkpoint = dir.sub("cp")
        do {
            _ = try build(try stream()).writeStream.format(.memory("m")).outputMode(mode).checkpointLocation(checkpoint).start()
        } catch QueryError.analysis(let e) {
            #expect(!FileSystem.exists(checkpoint), "a refused query must not create its checkpoint")
            return e
        }
        Issue.record("start() accepted the query")
        throw CancellationError()
    }

    @Test func completeModeWithoutAggregation() throws {
        let e = try refusal(.complete) { $0.select("service") }
        #expect(e.condition == "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION")
        #expect(e.parameters == ["outputMode": "complete", "operation": "no streaming aggregations"])
        #expect(
            e.message
                == "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: complete. This output mode is not supported for no streaming aggregations on streaming DataFrames/DataSets. SQLSTATE: 42KDE"
        )
    }

    @Test func appendModeAggregationWithoutWatermark() throws {
        for build in [
            { (s: DataStream) in s.groupBy("service").count() },
            // A watermark that the grouping does not use does not count, as in Spark.
            { (s: DataStream) in s.withWatermark("ts", delay: .seconds(10)).groupBy("service").count() },
            { (s: DataStream) in s.groupBy(window(col("ts"), .seconds(60))).count() },
        ] {
            let e = try refusal(.append, build)
            #expect(
                e.message
                    == "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append. This output mode is not supported for streaming aggregations without watermark on streaming DataFrames/DataSets. SQLSTATE: 42KDE"
            )
        }
        let session = try refusal(.append) { $0.groupBy(sessionWindow(col("ts"), .seconds(30)), "service").count() }
        #expect(session.parameters["operation"] == "streaming aggregations without watermark")
    }

    @Test func sessionWindowInUpdateMode() throws {
        let e = try refusal(.update) {
            $0.withWatermark("ts", delay: .seconds(10)).groupBy(sessionWindow(col("ts"), .seconds(30)), "service").count()
        }
        // Spark 4 still raises this one as a legacy error: no condition prefix, no SQLSTATE.
        #expect(e.condition == "_LEGACY_ERROR_TEMP_3102")
        #expect(e.message == "Update output mode not supported for session window on streaming DataFrames/DataSets")
    }

    @Test func dropDuplicatesWithinWatermarkWithoutWatermark() throws {
        let e = try refusal { $0.dropDuplicatesWithinWatermark("service") }
        #expect(e.condition == "_LEGACY_ERROR_TEMP_3102")
        #expect(e.message == "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark")
    }

    @Test func statefulOperatorAfterAnAggregationOutsideAppendModeIsSparksCorrectnessError() throws {
        let chains: [(OutputMode, (DataStream) -> DataStream)] = [
            (.update, { $0.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60)), "service").count().groupBy("service").count() }),
            (.complete, { $0.groupBy("service", "level").count().groupBy("service").count() }),
            // The window's bounds carry the watermark in Spark, so this deduplication is stateful there.
            (.update, { $0.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60))).count().dropDuplicates("window_start") }),
            (.update, { $0.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60))).count().dropDuplicatesWithinWatermark("count") }),
        ]
        for (mode, build) in chains {
            let e = try refusal(mode, build)
            #expect(e.condition == "_LEGACY_ERROR_TEMP_3102")
            #expect(e.message.hasPrefix("Detected pattern of possible 'correctness' issue due to global watermark."))
            #expect(e.message.hasSuffix("you can disable this check by setting the config `spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false."))
        }
    }

    /// The chains Spark ≥ 3.4 runs start: aggregations and deduplications in any order in append
    /// mode, and, outside append mode, chains where no aggregation feeds a stateful operator.
    @Test func chainsSparkRunsStart() throws {
        let chains: [(OutputMode, (DataStream) -> DataStream)] = [
            (.append, { $0.withWatermark("ts", delay: .seconds(10)).dropDuplicates("service", "ts").groupBy(window(col("ts"), .seconds(60))).count() }),
            (.append, { $0.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60))).count().dropDuplicates("count") }),
            (.append, {
                $0.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60))).count()
                    .groupBy(window(col("window"), .seconds(600))).agg(sum(col("count")).as("n"))
            }),
            // A dropDuplicates without event time is not stateful for Spark's correctness check.
            (.update, { $0.groupBy("service").count().dropDuplicates("service") }),
            (.update, { $0.dropDuplicates("message").groupBy("service").count() }),
            (.complete, { $0.dropDuplicates("message").groupBy("service").count() }),
        ]
        for (i, (mode, build)) in chains.enumerated() {
            let q = try build(try stream()).writeStream.format(.memory("chain\(i)")).outputMode(mode).checkpointLocation(dir.sub("cp\(i)")).start()
            q.stop()
        }
    }

    /// Spark's refusal of a sort that is not on a complete-mode aggregation, of a limit in update
    /// mode, and of distinct aggregates (`UnsupportedOperationChecker`).
    @Test func sortLimitAndDistinctAggregatesWhereSparkRefusesThem() throws {
        let sortMessage = "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode"
        let sorts: [(OutputMode, (DataStream) -> DataStream)] = [
            (.append, { $0.orderBy("service") }),
            (.update, { $0.groupBy("service").count().orderBy(col("count").desc) }),
            (.complete, { $0.orderBy("service").groupBy("service").count() }),
        ]
        for (mode, build) in sorts {
            let e = try refusal(mode, build)
            #expect(e.condition == "_LEGACY_ERROR_TEMP_3102")
            #expect(e.message == sortMessage)
        }
        let limit = try refusal(.update) { $0.groupBy("service").count().limit(3) }
        #expect(limit.message == "Limits are not supported on streaming DataFrames/Datasets in Update output mode")
        let distinct = try refusal(.update) { $0.groupBy("service").agg(countDistinct(col("message"))) }
        #expect(distinct.condition == "_LEGACY_ERROR_TEMP_3102")
        #expect(
            distinct.message
                == "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.")
    }

    @Test func watermarkOnAColumnThatIsNotATimestamp() throws {
        let e = try refusal { $0.withWatermark("level", delay: .seconds(1)) }
        #expect(
            e.message == #"[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `level` has the invalid type "STRING", but expected "TIMESTAMP". SQLSTATE: 42K09"#)
    }

    // MARK: - Unknown columns are reported against the operator's whole input

    /// Each typo names the columns of the operator's input as written, even those no other part
    /// of the query reads (`message`): column pruning would have dropped them before the operator.
    @Test(arguments: ["filter", "select", "groupBy", "withWatermark", "dropDuplicates", "withColumn"])
    func aTypoProposesTheInputsColumns(operation: String) throws {
        let e = try refusal(operation == "groupBy" ? .update : .append) { s in
            switch operation {
            case "filter": return s.filter(col("servce") == "api").select("level")
            case "select": return s.select(col("servce"), col("level"))
            case "groupBy": return s.groupBy("servce").count()
            case "withWatermark": return s.withWatermark("servce", delay: .seconds(1)).select("level")
            case "dropDuplicates": return s.dropDuplicates("servce").select("level")
            default: return s.withColumn("x", col("servce")).select("x")
            }
        }
        #expect(e.condition == "UNRESOLVED_COLUMN.WITH_SUGGESTION")
        #expect(e.parameters == ["objectName": "`servce`", "proposal": "`service`, `level`, `message`, `ts`"])
        let first = e.message.split(separator: "\n")[0]
        #expect(
            first
                == "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `servce` cannot be resolved. Did you mean one of the following? [`service`, `level`, `message`, `ts`]. SQLSTATE: 42703"
        )
    }

    @Test func aTypoAfterAProjectionProposesWhatTheProjectionMade() throws {
        let e = try refusal(.update) {
            $0.withColumn("date", toDate(col("ts"))).select("date", "service").groupBy("date", "servce").count()
        }
        #expect(e.parameters["proposal"] == "`service`, `date`")
        #expect(e.message.contains("== Query ==\ngroupBy("))
    }

    @Test func atMostFiveProposalsClosestFirst() {
        let e = AnalysisError.unresolvedColumn("usr", candidates: ["a", "user_id", "users", "bb", "cc", "dd", "user"], context: "")
        #expect(e.parameters["proposal"] == "`user`, `users`, `a`, `bb`, `cc`")
        #expect(AnalysisError.sqlId("we`ird") == "`we``ird`")
    }
}
