// libFuzzer target: the model-id check on arbitrary text. Built with Sources/CatalogFiles by scripts/fuzz.sh.
// The check and the explanation of a refusal must agree: an id is valid exactly when no problem is named.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelID(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let valid = ModelID.isValid(text)
    let problem = ModelID.problem(with: text)
    if valid != (problem == nil) { fatalError("isValid \(valid) but problem \(problem ?? "none") for \(Array(text.utf8))") }
    if valid, ModelID(text)?.rawValue != text { fatalError("a valid id did not round-trip") }
    return 0
}
