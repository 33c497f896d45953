/// Durations as the numbers that progress lines and reports show.
extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// "12.34 s": the form every progress line uses.
    public var formattedSeconds: String {
        let hundredths = (inSeconds * 100).rounded()
        let whole = Int(hundredths / 100), fraction = Int(hundredths.truncatingRemainder(dividingBy: 100))
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction) s"
    }
}
