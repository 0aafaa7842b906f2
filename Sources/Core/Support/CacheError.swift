import Foundation

/// Problems with the on-disk caches, naming the file.
public enum CacheError: Error, CustomStringConvertible {
    case cannotWrite(URL, reason: String)
    case corrupted(URL, reason: String)
    case missing(URL)

    public var description: String {
        switch self {
        case .cannotWrite(let url, let reason): return "\(url.path): cannot write (\(reason))"
        case .corrupted(let url, let reason): return "\(url.path): corrupted cache (\(reason))"
        case .missing(let url): return "\(url.path): no such cache"
        }
    }
}
