import Foundation

/// The one-line text a user sees for an error.
///
/// The workbench's own errors describe themselves (they name the file, line, key or column);
/// Foundation's file errors would print as an `NSError` dump, so they become
/// "path: reason" with the operating system's short reason ("Permission denied").
public enum ErrorMessage {
    public static func text(for error: any Error) -> String {
        let isFoundationError = type(of: error) is NSError.Type || error is CocoaError || error is POSIXError
        guard isFoundationError else { return String(describing: error) }
        let nsError = error as NSError
        if let path = nsError.userInfo[NSFilePathErrorKey] as? String ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path {
            return "\(path): \(reason(error))"
        }
        return reason(error)
    }

    /// A short reason for a failed file operation: the POSIX message underneath Foundation's error,
    /// else the error's own description.
    public static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error
        return posixMessage(error) ?? underlying.flatMap(posixMessage) ?? nsError.localizedDescription
    }

    /// strerror's text for a POSIX error, nil for any other.
    static func posixMessage(_ error: any Error) -> String? {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let nsError = error as NSError
        return nsError.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(nsError.code))) : nil
    }
}
