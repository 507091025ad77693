import Foundation
import TextOutput

/// The files a command writes, under the one output policy (`TextOutput.AtomicFile`): every
/// destination is checked before the computation, so a path frg must not write (a symbolic link,
/// a device, a FIFO, a folder, an input of the run) stops the run at once with exit status 2; and
/// each folder frg has to create on the way is named on stderr.
struct OutputFiles {
    /// The files the run reads (its config, the measurements it names): no output replaces one.
    var inputs: [String] = [] {
        didSet { inputs.removeAll { $0 == "-" || $0 == stdinName } }
    }

    init(inputs: [String] = []) {
        self.inputs = inputs.filter { $0 != "-" && $0 != stdinName }
    }

    /// Checks the destinations before the run: `files` are written, `folders` are written into.
    /// Two outputs naming one file would leave only the last: refused too.
    func check(files: [String?] = [], folders: [String?] = []) throws {
        var named: [String: String] = [:]
        // `-` is stdout (the output contract), not a file.
        for file in files.compactMap({ $0 }) where file != "-" {
            try AtomicFile.check(file, inputs: inputs)
            // frg writes no YAML: a .yaml destination is a config typed where an output belongs
            // (`frg sample -o config.yaml`, which needs no config), and writing would replace it.
            let suffix = URL(fileURLWithPath: file).pathExtension.lowercased()
            if suffix == "yaml" || suffix == "yml" {
                throw FileWriteError(path: file, reason: "frg writes no YAML, so a .\(suffix) file is a config, not an output; name the output .json, .csv, .svg or .txt",
                                     category: .invalidInput)
            }
            if let earlier = named.updateValue(file, forKey: URL(fileURLWithPath: file).standardizedFileURL.path) {
                throw FileWriteError(path: file, reason: "it is also another output of this run (\(earlier)); give each output its own file",
                                     category: .invalidInput)
            }
        }
        for folder in folders.compactMap({ $0 }) { try AtomicFile.checkFolder(folder) }
    }

    func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    func write(_ data: Data, to path: String) throws {
        announce(try AtomicFile.write(data, to: path, inputs: inputs))
    }

    /// Makes sure a folder the run writes into exists (an output, state or cache folder).
    func createFolder(_ path: String) throws {
        announce(try AtomicFile.createFolder(path))
    }

    /// `created folder out/` on stderr.
    private func announce(_ created: [String]) {
        guard !created.isEmpty else { return }
        note("created folder\(created.count > 1 ? "s" : "") " + created.map { $0 + "/" }.joined(separator: ", "))
    }
}
