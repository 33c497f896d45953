// libFuzzer target: the PSV reader and the published-file parsers on arbitrary bytes. Built by scripts/fuzz.sh into
// one module with Sources/CatalogFiles, so nothing is imported. Any input must give records or a PSVError, never a
// trap; and what the writer writes, the reader must read back unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = PSVReader(bytes: bytes, fileName: "fuzz.psv")
    var rows: [[String]] = []
    do { try reader.forEachRecord { rows.append($0.fields) } } catch is PSVError {} catch {
        fatalError("PSVReader threw a non-PSV error: \(error)")
    }
    _ = try? CatalogFileFormat.readModels(reader)
    _ = try? CatalogFileFormat.readLikes(reader)
    _ = try? CatalogFileFormat.readFeatures(reader)
    _ = try? CatalogFileFormat.readCurated(reader)
    // Round trip: rows the reader accepted, written again, read back as the same fields.
    // A row of one empty field is an empty line, which the dialect does not keep.
    rows.removeAll { $0 == [""] }
    if !rows.isEmpty {
        var writer = PSVWriter()
        for row in rows { writer.append(row: row) }
        var again: [[String]] = []
        do { try PSVReader(bytes: writer.bytes, fileName: "again.psv").forEachRecord { again.append($0.fields) } } catch {
            fatalError("the reader refused what the writer wrote: \(error)")
        }
        if again != rows { fatalError("round trip changed the rows: \(rows) → \(again)") }
    }
    return 0
}
