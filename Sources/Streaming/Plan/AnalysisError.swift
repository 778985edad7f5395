import Columnar

/// A query refused before it runs, named and worded as Spark 4 names and words it.
///
/// `condition` is Spark's error condition (`error-conditions.json`), and `message` is what
/// Spark's `getMessage` prints: `[CONDITION] text SQLSTATE: xxxxx` for a named condition, the
/// bare text for the checks Spark still raises as `_LEGACY_ERROR_TEMP_3102`. Rules Spark does
/// not have (what Spark runs but Sluice does not yet) use conditions starting `SLUICE_`.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    public let condition: String
    public let sqlState: String?
    /// The condition's message parameters, by name, as Spark fills its template.
    public let parameters: [String: String]
    /// The filled template, without condition or SQLSTATE.
    public let text: String
    /// Where in the query it happened (Sluice's own context line), or empty.
    public let context: String

    public var message: String {
        let prefix = condition.hasPrefix("_LEGACY_ERROR_") ? "" : "[\(condition)] "
        let state = sqlState.map { " SQLSTATE: \($0)" } ?? ""
        return prefix + text + state + (context.isEmpty ? "" : "\n" + context)
    }

    public var description: String { message }

    init(_ condition: String, sqlState: String?, parameters: [String: String] = [:], text: String, context: String = "") {
        self.condition = condition
        self.sqlState = sqlState
        self.parameters = parameters
        self.text = text
        self.context = context
    }

    // MARK: - Output modes (Spark's UnsupportedOperationChecker)

    /// `STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION`: append mode with an aggregation that does
    /// not group by the watermarked column (`operation` = "streaming aggregations without
    /// watermark"), or complete mode without an aggregation ("no streaming aggregations").
    static func outputModeUnsupported(_ mode: OutputMode, operation: String) -> AnalysisError {
        let m = mode.rawValue
        return AnalysisError(
            "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION", sqlState: "42KDE", parameters: ["outputMode": m, "operation": operation],
            text: "Invalid streaming output mode: \(m). This output mode is not supported for \(operation) on streaming DataFrames/DataSets.")
    }

    /// The checks Spark 4 still reports with a plain message under `_LEGACY_ERROR_TEMP_3102`.
    static func legacy(_ msg: String) -> AnalysisError {
        AnalysisError("_LEGACY_ERROR_TEMP_3102", sqlState: nil, parameters: ["msg": msg], text: msg)
    }

    static let sessionWindowInUpdateMode = legacy(
        "Update output mode not supported for session window on streaming DataFrames/DataSets")

    static let dropDuplicatesWithinWatermarkWithoutWatermark = legacy(
        "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark")

    /// Spark's check for stateful operators after an aggregation in update or complete mode
    /// (`spark.sql.streaming.statefulOperator.checkCorrectness.enabled`, on by default).
    static let globalWatermarkCorrectness = legacy(
        "Detected pattern of possible 'correctness' issue due to global watermark. "
            + "The query contains stateful operation which can emit rows older than the current watermark plus allowed late record delay, "
            + "which are \"late rows\" in downstream stateful operations and these rows can be discarded. "
            + "Please refer the programming guide doc for more details. "
            + "If you understand the possible risk of correctness issue and still need to run the query, "
            + "you can disable this check by setting the config `spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false.")

    // MARK: - Analysis

    /// `UNRESOLVED_COLUMN`: `name` is not a column of the operator's input. As Spark, it
    /// proposes up to five of the input's columns, the closest (Levenshtein) first.
    static func unresolvedColumn(_ name: String, candidates: [String], context: String) -> AnalysisError {
        let quotedName = sqlId(name)
        let ranked = candidates.enumerated()
            .map { (i: $0.offset, id: sqlId($0.element)) }
            .sorted { a, b in
                let da = levenshtein(a.id, quotedName), db = levenshtein(b.id, quotedName)
                return da != db ? da < db : a.i < b.i
            }
            .prefix(5).map(\.id)
        let head = "A column, variable, or function parameter with name \(quotedName) cannot be resolved."
        if ranked.isEmpty {
            return AnalysisError(
                "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", sqlState: "42703", parameters: ["objectName": quotedName], text: head + " ",
                context: context)
        }
        let proposal = ranked.joined(separator: ", ")
        return AnalysisError(
            "UNRESOLVED_COLUMN.WITH_SUGGESTION", sqlState: "42703", parameters: ["objectName": quotedName, "proposal": proposal],
            text: head + " Did you mean one of the following? [\(proposal)].", context: context)
    }

    /// `EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE`: `withWatermark` on a column that is not a timestamp.
    static func eventTimeNotTimestamp(_ column: String, _ type: DataType) -> AnalysisError {
        let name = sqlId(column), t = sqlType(type)
        return AnalysisError(
            "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", sqlState: "42K09", parameters: ["eventName": name, "eventType": t],
            text: "The event time \(name) has the invalid type \(t), but expected \"TIMESTAMP\".")
    }

    /// `NUM_COLUMNS_MISMATCH`: a `union` of inputs with different numbers of columns.
    static func unionColumnCount(first: Int, second: Int) -> AnalysisError {
        AnalysisError(
            "NUM_COLUMNS_MISMATCH", sqlState: "42826",
            parameters: [
                "operator": "UNION", "firstNumColumns": String(first), "invalidOrdinalNum": "second", "invalidNumColumns": String(second),
            ],
            text: "UNION can only be performed on inputs with the same number of columns, but the first input has \(first) columns "
                + "and the second input has \(second) columns.")
    }

    /// `INCOMPATIBLE_COLUMN_TYPE`: a `union` whose inputs differ in a column's type. (Spark
    /// widens some types, BIGINT and DOUBLE to DOUBLE say; Sluice does not.)
    static func unionColumnType(column: Int, first: DataType, second: DataType) -> AnalysisError {
        let ordinal = ordinalWord(column + 1), t1 = sqlType(second), t2 = sqlType(first)
        return AnalysisError(
            "INCOMPATIBLE_COLUMN_TYPE", sqlState: "42825",
            parameters: [
                "operator": "UNION", "columnOrdinalNumber": ordinal, "tableOrdinalNumber": "second", "dataType1": t1, "dataType2": t2,
                "hint": "",
            ],
            text: "UNION can only be performed on tables with compatible column types. The \(ordinal) column of the second table is "
                + "\(t1) type which is not compatible with \(t2) at the same column of the first table.")
    }

    /// Spark's `ordinalNumber`: "first", "second", … "tenth", then "11th".
    static func ordinalWord(_ n: Int) -> String {
        let words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        if n >= 1 && n <= words.count { return words[n - 1] }
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    // MARK: - Sluice's own rules

    /// What Spark runs but Sluice does not yet: more than one stateful operator in a query.
    static func chainedStatefulOperators(_ operators: [String]) -> AnalysisError {
        AnalysisError(
            "SLUICE_UNSUPPORTED_OPERATION.CHAINED_STATEFUL_OPERATORS", sqlState: "0A000",
            parameters: ["operators": operators.joined(separator: ", ")],
            text: "This query chains \(operators.count) stateful operators (\(operators.joined(separator: " then "))). "
                + "Spark runs such chains in append mode; Sluice runs one stateful operator per query for now. "
                + "Split the query: write the first stateful result to a Delta table and read that table as a stream.")
    }

    // MARK: - Formatting as Spark does

    /// Spark's `toSQLId`: the name in backticks, backticks inside doubled.
    static func sqlId(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// Spark's `toSQLType`: the SQL type name, upper case, in double quotes.
    static func sqlType(_ type: DataType) -> String {
        let name: String
        switch type {
        case .bool: name = "BOOLEAN"
        case .int64: name = "BIGINT"
        case .double: name = "DOUBLE"
        case .string: name = "STRING"
        case .timestamp: name = "TIMESTAMP"
        case .date: name = "DATE"
        }
        return "\"\(name)\""
    }

    /// Edit distance (insertions, deletions, substitutions), as Spark ranks suggestions.
    static func levenshtein(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
