import Foundation
import Testing
@testable import Models

/// Hostile safetensors headers give a sentence naming the file, never a trap (issue 19, case 5).
@Suite("Hostile safetensors headers")
struct SafeTensorsHostileTests {
    /// A file of an 8-byte length, `header` and `payload` bytes; the error opening it.
    func openError(length: UInt64? = nil, header: String, payload: Int = 8) throws -> (CheckpointError?, URL) {
        let folder = try HostileFiles.scratchFolder()
        let url = folder.appendingPathComponent("model.safetensors")
        var bytes = Data()
        var stored = (length ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &stored) { bytes.append(contentsOf: $0) }
        bytes.append(Data(header.utf8))
        bytes.append(Data(count: payload))
        try bytes.write(to: url)
        do { _ = try SafeTensorsFile(url: url); return (nil, url) } catch let error as CheckpointError { return (error, url) }
    }

    @Test("a header length of 2⁶⁴ − 1 is shown unsigned and said to exceed the file size")
    func hugeHeaderLength() throws {
        let (error, url) = try openError(length: .max, header: "{}")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(error == .malformedHeader(url, reason: "header length 18446744073709551615 exceeds the file size (18 bytes)"))
        #expect(error?.description == "\(url.path): malformed safetensors header (header length 18446744073709551615 exceeds the file size (18 bytes))")
    }

    @Test("a duplicated tensor name is reported as a duplicate, not as a shape mismatch")
    func duplicateName() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let (error, url) = try openError(header: header)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(error == .malformedHeader(url, reason: "tensor name 'a' appears twice"))
        let inner = #"{"a":{"dtype":"F32","shape":[2],"shape":[2],"data_offsets":[0,8]}}"#
        #expect(try openError(header: inner).0?.description.contains("key 'shape' appears twice in one entry") == true)
    }

    @Test("impossible shapes and offsets are errors, not traps", arguments: [
        #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#,
        #"{"a":{"dtype":"F32","shape":[-2,-1],"data_offsets":[0,8]}}"#,
        #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1e300]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#,
        #"{"a":{"dtype":7,"shape":[2],"data_offsets":[0,8]}}"#,
        #"{"a":[1,2]}"#,
        #"[1,2]"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#,
    ])
    func impossible(header: String) throws {
        let (error, url) = try openError(header: header)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(error != nil, "\(header)")
        #expect(error?.description.hasPrefix(url.path + ": ") == true, "\(String(describing: error))")
    }
}
