// libFuzzer target: the Sketchfab link parser on arbitrary text. Built with Sources/CatalogFiles by scripts/fuzz.sh.
// Any input gives a model id or a described problem; an id found is always a valid one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSketchfabLink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch SketchfabLink.modelID(from: text) {
    case .success(let id):
        if !ModelID.isValid(id.rawValue) { fatalError("the link parser returned an invalid id: \(id.rawValue)") }
    case .failure(let problem):
        _ = problem.description
    }
    return 0
}
