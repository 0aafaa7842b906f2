import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Core

/// What an SVG document holds, read back with Foundation's `XMLParser`.
struct SVGSummary {
    /// Whether the document parsed without error.
    var isWellFormed = false
    /// The parser's error, if any.
    var error: String?
    /// Element name → count.
    var elementCounts: [String: Int] = [:]
    /// The character content of every `<text>`, unescaped, in document order.
    var texts: [String] = []
    /// The attributes of the root element.
    var rootAttributes: [String: String] = [:]
    /// The `font-family` of every `<text>`.
    var textFonts: [String] = []

    func count(_ element: String) -> Int { elementCounts[element, default: 0] }
}

/// Parses `svg` and summarises it.
func parseSVG(_ svg: String) -> SVGSummary {
    final class Delegate: NSObject, XMLParserDelegate {
        var summary = SVGSummary()
        var inText = false
        var current = ""

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if summary.elementCounts.isEmpty { summary.rootAttributes = attributes }
            summary.elementCounts[elementName, default: 0] += 1
            if elementName == "text" {
                inText = true
                current = ""
                summary.textFonts.append(attributes["font-family"] ?? "")
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { current += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if elementName == "text" {
                summary.texts.append(current)
                inText = false
            }
        }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let delegate = Delegate()
    parser.delegate = delegate
    let ok = parser.parse()
    var summary = delegate.summary
    summary.isWellFormed = ok
    summary.error = parser.parserError.map { "\($0)" }
    return summary
}

/// `text` without ANSI SGR escape sequences.
func strippingANSI(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
}

/// The lines of a terminal rendering.
func terminalLines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// A deterministic saturating curve from `start` to about `top` over k = 1…count.
func plottingCurve(count: Int = 150, start: Double = 0.3, top: Double = 0.9, rate: Double = 10) -> [Double] {
    (1...count).map { k in start + (top - start) * (1 - exp(-Double(k) / rate)) }
}
