// swift-tools-version: 6.0
import PackageDescription

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
        // MARK: - Public API
        .target(
            name: "Core",
            dependencies: ["COpenBLAS"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
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
