// swift-tools-version: 6.0
import PackageDescription

// Core's modules share `Sources/Core`; each takes its rooms (folders) by name, so a file's folder says
// which module it is in, and an import that runs against the arrows in ARCHITECTURE.md does not compile.
// Internals that another module of the package needs are `package`, not `public`.
let core = "Sources/Core"

let package = Package(
    name: "NeuronWorkbench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Core", targets: ["Core"]),
        .library(name: "DSL", targets: ["DSL"]),
        // What `workbench run study.swift` links a user's script against.
        .library(name: "NeuronWorkbench", type: .dynamic, targets: ["DSL"]),
        .executable(name: "workbench", targets: ["Workbench"]),
    ],
    targets: [
        // MARK: - Core: leaves (no other module of the engine)
        .target(name: "Kernels", dependencies: ["COpenBLAS"], path: core, sources: ["Tensor"]),
        .target(name: "Support", path: core, sources: ["Support"]),
        .target(name: "Plotting", path: core, sources: ["Plotting"]),

        // MARK: - Core: models, corpora, storage, statistics
        .target(
            name: "Models",
            dependencies: ["Kernels", "Support"],
            path: core,
            sources: ["Checkpoint", "Models", "Tokenizers"]
        ),
        .target(name: "Corpora", dependencies: ["Support"], path: core, sources: ["Data"]),
        // The activation cache's entries, manifests and .npy files; not the pipeline that fills them.
        .target(name: "Storage", dependencies: ["Kernels", "Support", "Models"], path: core, sources: ["Cache"]),
        .target(
            name: "Statistics",
            dependencies: ["Kernels", "Support", "Plotting"],
            path: core,
            sources: ["Statistics"]
        ),
        .target(
            name: "Probing",
            dependencies: ["Kernels", "Support", "Statistics"],
            path: core,
            sources: ["Probes", "Rankings"]
        ),

        // MARK: - Core: analysis and studies
        .target(
            name: "Analysis",
            dependencies: ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing"],
            path: core,
            sources: [
                "Activations", "Attribution", "Behaviour", "Evaluation", "Imported", "Interventions",
                "SparseInterventions", "Training",
            ]
        ),
        .target(
            name: "Studies",
            dependencies: ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing", "Analysis"],
            path: core,
            sources: ["Studies"]
        ),
        // The umbrella: re-exports the modules above, imported by none of them.
        .target(
            name: "Core",
            dependencies: ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing", "Analysis", "Studies"],
            path: core,
            sources: ["Core.swift"]
        ),

        // MARK: - Public API
        .target(name: "DSL", dependencies: ["Core"]),
        .executableTarget(name: "Workbench", dependencies: ["Core", "DSL", "CEditLine"]),

        // MARK: - C libraries
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            path: "Sources/CEditLine",
            providers: [.apt(["libedit-dev"])]
        ),

        // MARK: - Tests
        .testTarget(
            name: "CoreTests",
            dependencies: ["Core"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "WorkbenchTests", dependencies: ["Core", "DSL"]),
    ]
)
