extension Double {
    /// The shortest plain spelling: 8 → "8", 0.5 → "0.5", 2.5e-7 → "2.5e-07".
    public var compactText: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

extension Float {
    /// The shortest plain spelling: 20 → "20", 0.25 → "0.25".
    public var compactText: String { self == rounded() && abs(self) < 1e7 ? String(Int(self)) : String(self) }
}
