// The `Core` umbrella: one import for the DSL, the executable and tests that want the whole engine.
// No module of the engine imports it, so the arrows between the modules below still hold.
@_exported import Kernels
@_exported import Support
@_exported import Plotting
@_exported import Models
@_exported import Corpora
@_exported import Storage
@_exported import Statistics
@_exported import Probing
@_exported import Analysis
@_exported import Studies
