// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Core's modules share `Sources/Core`; each takes its rooms (folders) by name, so a file's folder says
// which module it is in, and an import that runs against the arrows in ARCHITECTURE.md does not compile.
// Internals that another module of the package needs are `package`, not `public`.
let coreRooms: [String: [String]] = [
    "Kernels": ["Tensor"],
    "Support": ["Support"],
    "Plotting": ["Plotting"],
    "Models": ["Checkpoint", "Models", "Tokenizers"],
    "Corpora": ["Data"],
    "Storage": ["Cache"],
    "Statistics": ["Statistics"],
    "Probing": ["Probes", "Rankings"],
    "Analysis": ["Activations", "Attribution", "Behaviour", "Evaluation", "Imported", "Interventions", "SparseInterventions", "Training"],
    "Studies": ["Studies"],
    "Core": ["Core.swift"],
]

/// A module of Core: its rooms, every other room excluded (so SwiftPM does not report them as unhandled files).
func core(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    let own = coreRooms[name]!
    let others = coreRooms.values.flatMap { $0 }.filter { !own.contains($0) }.sorted()
    return .target(name: name, dependencies: dependencies, path: "Sources/Core", exclude: others, sources: own,
                   swiftSettings: [.unsafeFlags(noMathErrno + (vectorModules.contains(name) ? hostVectorUnits : []))])
}

/// `Float.squareRoot()` reaches C's `sqrtf` through the Swift runtime's shims, and C on Linux
/// keeps `errno` for a negative argument: every root became a check and a possible call, so no
/// loop with a root vectorised (Adam's step lane by lane, a third to half of a probe's time).
/// Without `errno` a root is one `sqrtps` lane, correctly rounded as before, so every result is the
/// same bit for bit; nothing in the workbench reads `errno` after a root.
let noMathErrno = ["-Xcc", "-fno-math-errno"]

/// The engine's loops are compiled for the vector units of the machine that builds them (the build
/// asks the CPU, as OpenBLAS does at run time), not for the x86-64 baseline of 2004: AVX2 or
/// AVX-512 where the CPU has them (4 or 8 doubles a vector instead of SSE2's 2). Swift contracts no
/// multiply-add on its own and vectorises no floating-point reduction, so every result is the same
/// bit for bit; a build is for the machine it ran on, as every build of this package is.
/// Only the modules whose loops the grid spends its time in: the flag on every module of Core cost
/// a fresh clone's build 20–35 s and the grid nothing measurable. `NEURON_PORTABLE_BUILD=1` leaves it
/// out, for a build that other machines run (a Slurm cluster whose nodes have other CPUs than the
/// machine that built it): the same results, probing about 15% slower (six configs: 96 s against 82 s).
let hostVectorUnits = ProcessInfo.processInfo.environment["NEURON_PORTABLE_BUILD"] == "1" ? [] : ["-target-cpu", "native"]
let vectorModules: Set<String> = ["Kernels", "Support", "Probing"]

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
        core("Kernels", ["COpenBLAS"]),
        core("Support"),
        core("Plotting"),

        // MARK: - Core: models, corpora, storage, statistics
        core("Models", ["Kernels", "Support"]),
        core("Corpora", ["Support"]),
        // The activation cache's entries, manifests and .npy files; not the pipeline that fills them.
        core("Storage", ["Kernels", "Support", "Models"]),
        core("Statistics", ["Kernels", "Support", "Plotting"]),
        core("Probing", ["Kernels", "Support", "Statistics"]),

        // MARK: - Core: analysis and studies
        core("Analysis", ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing"]),
        core("Studies", ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing", "Analysis"]),
        // The umbrella: re-exports the modules above, imported by none of them.
        core("Core", ["Kernels", "Support", "Plotting", "Models", "Corpora", "Storage", "Statistics", "Probing", "Analysis", "Studies"]),

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
