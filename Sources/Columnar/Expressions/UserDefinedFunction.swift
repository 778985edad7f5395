/// A scalar function written in Swift, evaluated a column at a time: the body receives one
/// column per argument (literals repeated to the batch's length, cast to the declared
/// argument types) and returns a column of `returnType` with one value per row.
///
/// ```
/// let hostOf = udf("host_of", returns: .string, arguments: [.string]) { cols in
///     var out = StringArray()
///     let urls = cols[0].stringValues
///     for i in 0..<cols[0].count { out.append(urls[i].split(separator: "/").dropFirst().first.map(String.init) ?? "") }
///     return .strings(out, validity: cols[0].validity)
/// }
/// stream.withColumn("host", hostOf(col("url")))
/// ```
public final class UserDefinedFunction: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let returnType: DataType
    /// Declared argument types (nil: any number of arguments of any type, passed as they are).
    public let argumentTypes: [DataType]?
    let body: @Sendable ([Column]) throws -> Column

    public init(name: String, returnType: DataType, argumentTypes: [DataType]? = nil, _ body: @escaping @Sendable ([Column]) throws -> Column) {
        self.name = name
        self.returnType = returnType
        self.argumentTypes = argumentTypes
        self.body = body
    }

    /// The expression calling this function on `args`.
    public func callAsFunction(_ args: Expr...) -> Expr { .call(.udf(self), args) }

    public var description: String { name }

    public static func == (a: UserDefinedFunction, b: UserDefinedFunction) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }

    func resultType(_ types: [DataType], expr: Expr) throws -> DataType {
        if let argumentTypes {
            guard types.count == argumentTypes.count else {
                throw ColumnarError.invalidArgument("UDF \(name) takes \(argumentTypes.count) argument(s), got \(types.count) in \(expr)")
            }
            for (i, (given, declared)) in zip(types, argumentTypes).enumerated() where !Casts.isSupported(from: given, to: declared) {
                throw ColumnarError.typeMismatch("argument \(i + 1) of UDF \(name) must be \(declared), got \(given) in \(expr)")
            }
        }
        return returnType
    }

    func evaluate(_ args: [Datum], _ n: Int) throws -> Column {
        var cols = args.map { $0.materialize(n) }
        if let argumentTypes { cols = zip(cols, argumentTypes).map { Casts.cast($0, to: $1) } }
        let out = try body(cols)
        guard out.count == n, out.type == returnType else {
            throw ColumnarError.invalidArgument("UDF \(name) returned \(out.count) values of type \(out.type); expected \(n) of type \(returnType)")
        }
        return out
    }
}

/// A user-defined function named `name` (see `UserDefinedFunction`).
public func udf(
    _ name: String, returns returnType: DataType, arguments: [DataType]? = nil, _ body: @escaping @Sendable ([Column]) throws -> Column
) -> UserDefinedFunction {
    UserDefinedFunction(name: name, returnType: returnType, argumentTypes: arguments, body)
}
