import Core

/// Builds DSL components from their text, exactly as a study script writes them (`Rank(.probeless)`),
/// so the REPL and scripts share one vocabulary. Unknown names get a "did you mean".
public enum ComponentReader {
    /// Component names, for completion and help.
    public static let componentNames = ["Model", "Activations", "Languages", "Attributes", "Layers", "Rank", "Probe", "Control",
                                        "Durrani", "Intervene", "Mask", "Report", "MinTypes", "Seed", "Output"]

    /// The `.case` names each component accepts (for completion).
    public static let caseNames: [String: [String]] = [
        "Model": ["minilm", "mbert", "xlmr", "bert", "gemma3", "local"],
        "Languages": Language.all.map { $0.name.lowercased() },
        "Attributes": Attribute.all.compactMap(\.caseName),
        "Rank": RankingMethod.allCases.map(\.caseName),
        "Probe": ProbeKind.allCases.map(\.rawValue),
        "Control": ControlTask.Sampler.allCases.map(\.rawValue),
        "Durrani": DurraniScope.allCases.map(\.rawValue),
        "Intervene": ["ablate", "translate", "translateUnscaled"],
        "Report": ReportKind.allCases.map(\.rawValue),
        "Mask": LearnedIntervention.Method.allCases.map(Mask.caseName) + SparseInterventionStudy.TaskName.allCases.map(\.rawValue)
            + InterventionSteps.allCases.map(\.rawValue) + ["residual", "mlp", "cell"],
    ]

    /// Parses one line as a component.
    public static func read(_ line: String) throws -> any StudyComponent {
        try component(from: ExpressionParser.parse(line))
    }

    public static func component(from expression: Expression) throws -> any StudyComponent {
        guard case .call(let name, let arguments, let column) = expression else {
            throw LineError("expected a component such as Layers(2, 4) or Rank(.probeless)", column: expression.column)
        }
        var reader = Arguments(component: name, arguments: arguments, column: column)
        let component: any StudyComponent
        switch name {
        case "Model":
            component = Model(try reader.single("a model") { try model($0) })
        case "Languages":
            component = Languages(try reader.rest(nonEmpty: "a language") { try language($0) })
        case "Attributes":
            let whereFound = try reader.labeled("whereFound") { try boolean($0) } ?? false
            component = Attributes(try reader.rest(nonEmpty: "an attribute") { try attribute($0) }, whereFound: whereFound)
        case "Layers":
            let concatenated = try reader.labeled("concatenated") { try boolean($0) } ?? false
            let layers = try reader.rest(nonEmpty: "a layer") { try integers($0) }.flatMap { $0 }
            component = Layers(layers, concatenated: concatenated)
        case "Rank":
            let methods = try reader.rest(nonEmpty: "a ranking") { try enumCase($0, RankingMethod.allCases, \.caseName, kind: "ranking") }
            var rank = Rank()
            rank.methods = methods
            component = rank
        case "Probe":
            let neurons = try reader.labeled("neurons") { try integers($0) }
            let kinds = try reader.rest(nonEmpty: "a classifier") { try enumCase($0, ProbeKind.allCases, \.rawValue, kind: "classifier") }
            var probe = Probe(neurons: neurons ?? Array(1...150))
            probe.classifiers = kinds
            component = probe
        case "Control":
            component = Control(try reader.single("a control task") {
                try enumCase($0, ControlTask.Sampler.allCases, \.rawValue, kind: "control task")
            })
        case "Durrani":
            component = Durrani(try reader.single("a scope") { try enumCase($0, DurraniScope.allCases, \.rawValue, kind: "scope") })
        case "Intervene":
            let neurons = try reader.labeled("neurons") { try integers($0) }
            let on = try reader.labeled("on") { try list($0) { try attribute($0) } } ?? []
            component = Intervene(try reader.single("an edit") { try edit($0) }, neurons: neurons, on: on)
        case "Mask":
            component = try mask(arguments, column: column)
            return component
        case "Report":
            let kinds = try reader.rest(nonEmpty: "a report") { try enumCase($0, ReportKind.allCases, \.rawValue, kind: "report") }
            var report = Report()
            report.kinds = kinds
            component = report
        case "MinTypes":
            component = MinTypes(try reader.single("a count") { try integer($0) })
        case "Seed":
            component = Seed(try reader.single("a seed") { expression -> UInt64 in
                let value = try integer(expression)
                guard value >= 0 else { throw LineError("a seed is a whole number ≥ 0, not \(value)", column: expression.column, length: String(value).count) }
                return UInt64(value)
            })
        case "Output":
            component = Output(try reader.single("a folder") { try string($0) })
        case "Activations":
            component = try activations(&reader)
        default:
            throw LineError("unknown component '\(name)'" + Suggestion.hint(for: name, among: componentNames), column: column, length: name.count)
        }
        try reader.finish()
        return component
    }

    /// `Mask(.hardConcrete, .reinforce, task: .number, .gender, steps: .single, site: .residual(9), trainSteps: 300)`:
    /// as in Swift, unlabelled values after a label belong to it (the methods come first).
    static func mask(_ arguments: [Expression.Argument], column: Int) throws -> Mask {
        var groups: [(label: String?, values: [Expression], column: Int)] = [(nil, [], column)]
        for argument in arguments {
            if let label = argument.label {
                guard !groups.contains(where: { $0.label == label }) else {
                    throw LineError("Mask has '\(label):' twice", column: argument.value.column)
                }
                groups.append((label, [argument.value], argument.value.column))
            } else {
                groups[groups.count - 1].values.append(argument.value)
            }
        }
        let labels = ["task", "steps", "site", "trainSteps", "batch", "alpha", "kl", "seeds", "heldOut"]
        func values(_ label: String) -> [Expression] { groups.first { $0.label == label }?.values ?? [] }
        func single<T>(_ label: String, _ read: (Expression) throws -> T) throws -> T? {
            let found = values(label)
            guard let first = found.first else { return nil }
            guard found.count == 1 else { throw LineError("Mask's \(label): takes one value", column: found[1].column) }
            return try read(first)
        }
        for group in groups.dropFirst() where !labels.contains(group.label!) {
            throw LineError("Mask has no argument '\(group.label!)'" + Suggestion.hint(for: group.label!, among: labels), column: group.column)
        }
        let methods = try groups[0].values.map {
            try enumCase($0, LearnedIntervention.Method.allCases, Mask.caseName, kind: "mask method")
        }
        guard !methods.isEmpty else {
            throw LineError("Mask needs a method: .hardConcrete, .reinforce or .integratedGradients", column: column, length: 4)
        }
        let tasks = try values("task").map { try enumCase($0, SparseInterventionStudy.TaskName.allCases, \.rawValue, kind: "task") }
        let steps = try values("steps").map { try enumCase($0, InterventionSteps.allCases, \.rawValue, kind: "steps") }
        let sites = try values("site").map(site)
        return Mask(methods: methods, tasks: tasks, steps: steps, sites: sites, trainSteps: try single("trainSteps", integer),
                    batch: try single("batch", integer), alpha: try single("alpha", number), kl: try single("kl", number),
                    seeds: try single("seeds", integer) ?? 1, heldOut: try single("heldOut", integer))
    }

    /// `Activations(npy: "x.npy", labels: "labels.tsv")`, `Activations(npy: ["a.npy", "b.npy"], labels: "l.tsv", layers: [4, 8])`,
    /// `Activations(npy: "x.npy", conllu: ["a.conllu"], attribute: .number, splitSeed: 1)`.
    static func activations(_ reader: inout Arguments) throws -> Activations {
        func strings(_ expression: Expression) throws -> [String] {
            if case .array = expression { return try list(expression, string) }
            return [try string(expression)]
        }
        guard let arrays = try reader.labeled("npy", strings) else {
            throw LineError("Activations needs npy: \"path/to/activations.npy\"", column: reader.column, length: reader.component.count)
        }
        let table = try reader.labeled("labels") { try string($0) }
        let conllu = try reader.labeled("conllu", strings)
        let attribute = try reader.labeled("attribute") { try ComponentReader.attribute($0) }
        let manyLayers = try reader.labeled("layers") { try integers($0) }
        let oneLayer = try reader.labeled("layer") { [try integer($0)] }
        let layers = manyLayers ?? oneLayer
        let seed = try reader.labeled("splitSeed") { expression -> UInt64 in
            let value = try integer(expression)
            guard value >= 0 else { throw LineError("splitSeed is a whole number ≥ 0, not \(value)", column: expression.column) }
            return UInt64(value)
        } ?? 0
        let concatenated = try reader.labeled("concatenated") { try boolean($0) } ?? false
        switch (table, conllu) {
        case (let table?, nil):
            if attribute != nil {
                throw LineError("attribute: applies to conllu: labels; a table holds its labels itself", column: reader.column, length: reader.component.count)
            }
            return Activations(ActivationImport(arrays: arrays, labels: [table], layers: layers, splitSeed: seed), concatenated: concatenated)
        case (nil, let files?):
            guard let attribute else {
                throw LineError("conllu: labels need attribute: .number (or another attribute)", column: reader.column, length: reader.component.count)
            }
            return Activations(ActivationImport(arrays: arrays, labels: files, attribute: attribute.name, layers: layers, splitSeed: seed),
                               concatenated: concatenated)
        default:
            throw LineError("Activations needs labels: \"labels.tsv\" or conllu: [\"….conllu\"] (one of them)",
                            column: reader.column, length: reader.component.count)
        }
    }

    /// `.residual(9)`, `.mlp(3)` or `.cell(1)`.
    static func site(_ expression: Expression) throws -> ModelSite {
        let kinds = ["residual", "mlp", "cell"]
        guard case .member(let name, let arguments, let column) = expression, kinds.contains(name) else {
            if case .member(let name, _, let column) = expression {
                throw LineError("unknown site '\(name)'" + Suggestion.hint(for: name, among: kinds), column: column, length: name.count)
            }
            throw LineError("expected a site: .residual(9), .mlp(3) or .cell(1)", column: expression.column)
        }
        guard let arguments, arguments.count == 1, arguments[0].label == nil else {
            throw LineError(".\(name) takes a layer: .\(name)(4)", column: column, length: name.count)
        }
        let layer = try integer(arguments[0].value)
        switch name {
        case "residual": return .residual(layer)
        case "mlp": return .mlp(layer)
        default: return .cell(layer)
        }
    }

    // MARK: - Values

    static func enumCase<T>(_ expression: Expression, _ cases: [T], _ name: (T) -> String, kind: String) throws -> T {
        guard case .member(let spelled, nil, let column) = expression else {
            throw LineError("expected a \(kind) such as .\(name(cases[0]))", column: expression.column)
        }
        if let found = cases.first(where: { name($0) == spelled }) { return found }
        throw LineError("unknown \(kind) '\(spelled)'" + Suggestion.hint(for: spelled, among: cases.map(name)),
                        column: column, length: spelled.count)
    }

    static func model(_ expression: Expression) throws -> Model.Choice {
        if case .member("local", let arguments?, _) = expression, arguments.count == 1, arguments[0].label == nil {
            return .local(try string(arguments[0].value))
        }
        let choices: [Model.Choice] = [.minilm, .mbert, .xlmr, .bert, .gemma3]
        return try enumCase(expression, choices, \.catalogName, kind: "model")
    }

    static func language(_ expression: Expression) throws -> Language {
        if case .string(let name, _) = expression { return Language(name) }
        return try enumCase(expression, Language.all, { $0.name.lowercased() }, kind: "language")
    }

    static func attribute(_ expression: Expression) throws -> Attribute {
        if case .string(let name, _) = expression { return Attribute(name) }
        return try enumCase(expression, Attribute.all, { $0.caseName ?? $0.name }, kind: "attribute")
    }

    static func edit(_ expression: Expression) throws -> NeuronEdit {
        guard case .member(let name, let arguments, let column) = expression else {
            throw LineError("expected an edit: .ablate, .translate(beta: 8) or .translateUnscaled(beta: 8)", column: expression.column)
        }
        switch (name, arguments) {
        case ("ablate", nil): return .ablate
        case ("translate", let arguments?), ("translateUnscaled", let arguments?):
            guard arguments.count == 1, arguments[0].label == "beta" else {
                throw LineError(".\(name) takes one argument, beta: e.g. .\(name)(beta: 8)", column: column, length: name.count)
            }
            let beta = try number(arguments[0].value)
            return name == "translate" ? .translate(beta: beta) : .translateUnscaled(beta: beta)
        case ("translate", nil), ("translateUnscaled", nil):
            throw LineError(".\(name) needs β: .\(name)(beta: 8)", column: column, length: name.count)
        default:
            throw LineError("unknown edit '\(name)'" + Suggestion.hint(for: name, among: ["ablate", "translate", "translateUnscaled"]),
                            column: column, length: name.count)
        }
    }

    static func integer(_ expression: Expression) throws -> Int {
        guard case .integer(let value, _) = expression else { throw LineError("expected a whole number", column: expression.column) }
        return value
    }

    static func number(_ expression: Expression) throws -> Double {
        switch expression {
        case .integer(let value, _): return Double(value)
        case .number(let value, _): return value
        default: throw LineError("expected a number", column: expression.column)
        }
    }

    static func string(_ expression: Expression) throws -> String {
        guard case .string(let value, _) = expression else { throw LineError("expected a \"string\"", column: expression.column) }
        return value
    }

    static func boolean(_ expression: Expression) throws -> Bool {
        guard case .boolean(let value, _) = expression else { throw LineError("expected true or false", column: expression.column) }
        return value
    }

    static func list<T>(_ expression: Expression, _ element: (Expression) throws -> T) throws -> [T] {
        guard case .array(let elements, _) = expression else { throw LineError("expected a list in [ ]", column: expression.column) }
        return try elements.map(element)
    }

    /// The most values a typed range or stride may list (`1...1_000_000`).
    static let maximumListedValues = 1_000_000

    /// An integer, a range, a list of integers, or `stride(from:through:by:)` / `stride(from:to:by:)`.
    static func integers(_ expression: Expression) throws -> [Int] {
        switch expression {
        case .integer(let value, _): return [value]
        case .range(let lower, let upper, let closed, let column):
            // Built as a list: a range of billions would take all memory before any check could refuse it.
            let (span, overflow) = upper.subtractingReportingOverflow(lower)
            guard !overflow, span < maximumListedValues else {
                throw LineError("the range \(lower)\(closed ? "..." : "..<")\(upper) holds more than \(maximumListedValues) values", column: column)
            }
            return closed ? Array(lower...upper) : Array(lower..<upper)
        case .array(let elements, _): return try elements.map(integer)
        case .call("stride", let arguments, let column):
            let labels = arguments.map { $0.label ?? "" }
            guard arguments.count == 3, labels[0] == "from", labels[1] == "through" || labels[1] == "to", labels[2] == "by" else {
                throw LineError("stride needs from:, through: (or to:) and by:", column: column, length: 6)
            }
            let from = try integer(arguments[0].value), bound = try integer(arguments[1].value), step = try integer(arguments[2].value)
            guard step > 0 else { throw LineError("stride's step must be positive", column: arguments[2].value.column) }
            let (span, overflow) = bound.subtractingReportingOverflow(from)
            guard !overflow, span / step < maximumListedValues else {
                throw LineError("the stride from \(from) to \(bound) by \(step) holds more than \(maximumListedValues) values", column: column, length: 6)
            }
            return labels[1] == "through" ? Array(stride(from: from, through: bound, by: step)) : Array(stride(from: from, to: bound, by: step))
        default:
            throw LineError("expected neuron counts: 10, 1...150, [10, 50] or stride(from: 0, through: 300, by: 10)", column: expression.column)
        }
    }

    /// Takes a component's arguments: labelled ones by name, then the unlabelled rest.
    struct Arguments {
        var component: String
        var arguments: [Expression.Argument]
        var column: Int

        mutating func labeled<T>(_ label: String, _ read: (Expression) throws -> T) throws -> T? {
            guard let index = arguments.firstIndex(where: { $0.label == label }) else { return nil }
            let value = try read(arguments[index].value)
            arguments.remove(at: index)
            return value
        }

        mutating func rest<T>(nonEmpty what: String, _ read: (Expression) throws -> T) throws -> [T] {
            let unlabeled = arguments.filter { $0.label == nil }
            guard !unlabeled.isEmpty else { throw LineError("\(component) needs \(what)", column: column, length: component.count) }
            arguments.removeAll { $0.label == nil }
            return try unlabeled.map { try read($0.value) }
        }

        mutating func single<T>(_ what: String, _ read: (Expression) throws -> T) throws -> T {
            let values = try rest(nonEmpty: what, read)
            guard values.count == 1 else { throw LineError("\(component) takes one value", column: column, length: component.count) }
            return values[0]
        }

        func finish() throws {
            if let extra = arguments.first {
                throw LineError("\(component) has no argument '\(extra.label ?? "")'", column: extra.value.column)
            }
        }
    }
}
