import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed SVG: every element with its attributes, text (tspans included) and children, so
/// that the tests read what a renderer reads rather than matching strings. Parsing fails on
/// malformed XML, which is itself a test of the output.
final class SVGElement {
    let name: String
    let attributes: [String: String]
    var children: [SVGElement] = []
    weak var parent: SVGElement?
    var ownText = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The text content, sub- and superscripts included, in document order.
    var text: String { ownText + children.map(\.text).joined() }

    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    func all(_ name: String? = nil, class cls: String? = nil) -> [SVGElement] {
        var result: [SVGElement] = []
        for child in children {
            if (name == nil || child.name == name!) && (cls == nil || child.classes.contains(cls!)) { result.append(child) }
            result += child.all(name, class: cls)
        }
        return result
    }

    func double(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

final class SVGDocument: NSObject, XMLParserDelegate {
    let root = SVGElement(name: "#document", attributes: [:])
    private var stack: [SVGElement] = []
    private(set) var error: Error?

    init(_ text: String) throws {
        super.init()
        stack = [root]
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        if !parser.parse() { throw parser.parserError ?? NSError(domain: "SVG", code: 1) }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let element = SVGElement(name: elementName, attributes: attributeDict)
        element.parent = stack.last
        stack.last!.children.append(element)
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Text between tspans belongs in order; a text element's runs are kept as child nodes.
        let node = SVGElement(name: "#text", attributes: [:])
        node.ownText = string
        stack.last!.children.append(node)
    }

    var svg: SVGElement { root.children.first { $0.name == "svg" }! }
}
