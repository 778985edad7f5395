import Columnar
import State

/// A processor's state variables, checked once: names unique, TTLs positive, codecs built.
struct DeclaredVariables: Sendable {
    struct Variable: Sendable {
        let spec: any StateVariableSpec
        let values: RowCodec
        /// Canonical (doubles normalised) so equal map keys encode to equal bytes.
        let keys: RowCodec?
        var ttlMicros: Int64? { spec.ttlMicros }
    }

    private(set) var byName: [String: Variable] = [:]

    init(_ specs: [any StateVariableSpec]) throws {
        for s in specs {
            guard byName[s.name] == nil else { throw TransformWithStateError.duplicateStateVariable(s.name) }
            if let ttl = s.ttl, ttl <= .zero {
                throw TransformWithStateError.ttlMustBePositive(operation: "get\(s.kind.rawValue.capitalized)State", stateName: s.name)
            }
            byName[s.name] = Variable(
                spec: s, values: RowCodec(Schema(s.valueFields), normalizesDoubles: false),
                keys: s.keyFields.map { RowCodec(Schema($0), normalizesDoubles: true) })
        }
    }

    /// The declared variable `spec` names, if it is declared as the same kind with the same columns.
    func variable(for spec: any StateVariableSpec) throws -> Variable {
        guard let v = byName[spec.name] else {
            throw TransformWithStateError.undeclaredStateVariable(name: spec.name, detail: "is not declared")
        }
        guard v.spec.kind == spec.kind, v.spec.valueFields == spec.valueFields, v.spec.keyFields == spec.keyFields, v.spec.ttl == spec.ttl else {
            throw TransformWithStateError.undeclaredStateVariable(
                name: spec.name, detail: "is used as \(spec.shapeDescription) but declared as \(v.spec.shapeDescription)")
        }
        return v
    }
}
